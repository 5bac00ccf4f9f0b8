import type { TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.ts';
import { freePort } from './service-process.ts';
import { waitFor } from './wait-for.ts';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

export interface OpaProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A private OPA of the stack's own build (`stack.sh run opa`), for tests that stop it: serving
 * `policies/` (without the Rego tests), or nothing at all with `policies: false`.
 */
export async function startOpaProcess(t: TestContext, { port, policies = true }: { port?: number; policies?: boolean } = {}): Promise<OpaProcess> {
  const listenPort = port ?? (await freePort());
  const args = ['compose/native/stack.sh', 'run', 'opa', 'run', '--server', '--addr', `127.0.0.1:${listenPort}`, '--skip-version-check'];
  if (policies) args.push('--ignore', '*_test.rego', '--ignore', '.*', 'policies');
  // Its own process group: stack.sh runs OPA as a child, and both must go.
  const child = spawn('bash', args, { cwd: repoRoot, detached: true, stdio: 'ignore' });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${listenPort}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    // bash leaves at once; OPA closes its listener during its own shutdown.
    await waitFor(async () => (await fetch(`${url}/health`).catch(() => undefined)) === undefined, { timeout: 15_000, interval: 50, description: 'private OPA stopped' });
  };
  onCleanup(t, stop);
  await waitFor(async () => (await fetch(`${url}/health?bundles`).catch(() => undefined))?.ok === true, { timeout: 30_000, interval: 200, description: 'private OPA' });
  return { url, port: listenPort, stop };
}
