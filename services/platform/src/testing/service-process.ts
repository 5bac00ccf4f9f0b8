import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { onCleanup } from './cleanup.ts';
import { serviceKafkaEnv } from './service-credentials.ts';
import { waitFor } from './wait-for.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A port free at the time of asking, for a service under test. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Makes the process a scrape target of the stack's Prometheus while the test runs (a file in the
 * directory its `thalweg-processes` job watches, named in stack.env); nothing without one.
 */
async function registerScrapeTarget(t: TestContext, service: string, port: number): Promise<void> {
  const directory = process.env.PROMETHEUS_TARGETS_DIR;
  if (!directory) return;
  const file = join(directory, `${service}-${port}.json`);
  await writeFile(file, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { service } }]));
  onCleanup(t, () => rm(file, { force: true }));
}

/**
 * Traces to the stack's trace backend (OTLP/HTTP, as stack.env names it), or nowhere without one;
 * metrics and logs over OTLP as stack.env says (not to Jaeger, which takes traces only).
 */
function tracingEnv(service: string): Record<string, string> {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const otlpSignals = Object.fromEntries(['OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
  return { OTEL_SERVICE_NAME: service, ...(endpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } : { OTEL_TRACES_EXPORTER: 'none' }), ...otlpSignals };
}

export interface ServiceProcess {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
}

/**
 * Runs a Thalweg service as its own process, the way `make up` does (as its own Kafka principal,
 * see `serviceKafkaEnv`; `env` may override), and waits until its /readyz answers 200. The test's
 * end sends SIGTERM and waits for a clean exit.
 */
export async function startServiceProcess(t: TestContext, service: string, env: Record<string, string>, { timeout = 60_000 } = {}): Promise<ServiceProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', '@thalweg/platform/telemetry/register', `services/${service}/src/main.ts`], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...serviceKafkaEnv(service), ...tracingEnv(service), ...env, THALWEG_PORT: String(port), THALWEG_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  onCleanup(t, async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  const url = `http://127.0.0.1:${port}`;
  await registerScrapeTarget(t, service, port);
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}`);
        return (await fetch(`${url}/readyz`)).status === 200;
      },
      { timeout, interval: 200, description: `${service} ready` },
    );
  } catch (error) {
    throw new Error(`${service} did not become ready:\n${output.slice(-3_000)}`, { cause: error });
  }
  return { url, port, process: child, output: () => output };
}
