import type { TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.ts';
import { freePort } from './service-process.ts';
import { uniqueName } from './unique.ts';
import { waitFor } from './wait-for.ts';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/** The stack's Typesense (stack.env), as the search services reach it. */
export const testTypesense = {
  url: process.env.THALWEG_TYPESENSE_URL ?? 'http://127.0.0.1:8108',
  apiKey: process.env.THALWEG_TYPESENSE_API_KEY ?? 'thalweg-dev-typesense-key',
};

async function typesenseRequest(url: string, apiKey: string, method: string, path: string): Promise<unknown> {
  const response = await fetch(new URL(path, url), { method, headers: { 'X-TYPESENSE-API-KEY': apiKey }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok && response.status !== 404) throw new Error(`Typesense ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/**
 * A name prefix of the test's own on a Typesense server (the stack's by default): every alias and
 * collection whose name starts with it is deleted when the test ends, whoever created it.
 */
export function typesensePrefixOfTest(t: TestContext, name: string, { url = testTypesense.url, apiKey = testTypesense.apiKey } = {}): string {
  // Lower case and underscores: collection names the search schemas would accept.
  const prefix = uniqueName(`test_${name}`, '_').toLowerCase();
  onCleanup(t, async () => {
    const aliases = (await typesenseRequest(url, apiKey, 'GET', '/aliases')) as { aliases: Array<{ name: string }> };
    for (const { name: alias } of aliases.aliases) if (alias.startsWith(prefix)) await typesenseRequest(url, apiKey, 'DELETE', `/aliases/${alias}`);
    const collections = (await typesenseRequest(url, apiKey, 'GET', '/collections')) as Array<{ name: string }>;
    for (const { name: collection } of collections) if (collection.startsWith(prefix)) await typesenseRequest(url, apiKey, 'DELETE', `/collections/${collection}`);
  });
  return prefix;
}

export interface TypesenseProcess {
  url: string;
  apiKey: string;
  /** Its data directory: a test may copy or empty it while the server is stopped. */
  dataDir: string;
  /** Stops the server (SIGTERM) and waits until its port is closed. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, and waits until /health is ok. */
  start(): Promise<void>;
}

/**
 * A private Typesense of the stack's own install (`stack.sh run typesense-server`), for tests that
 * take the search index away: its own ports and a data directory deleted at the end.
 */
export async function startTypesenseProcess(t: TestContext): Promise<TypesenseProcess> {
  const [apiPort, peeringPort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), 'thalweg-typesense-'));
  onCleanup(t, () => rm(dataDir, { recursive: true, force: true }));
  const apiKey = uniqueName('key');
  const url = `http://127.0.0.1:${apiPort}`;
  const healthy = async () => {
    const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    return answer?.ok === true;
  };
  let stop = async () => {};
  const start = async () => {
    const args = ['compose/native/stack.sh', 'run', 'typesense-server', '--data-dir', dataDir, '--api-address', '127.0.0.1', '--api-port', String(apiPort), '--peering-address', '127.0.0.1', '--peering-port', String(peeringPort), '--enable-cors=false'];
    // Typesense refuses a data directory that does not exist (a test may have emptied it).
    await mkdir(dataDir, { recursive: true });
    // `stack.sh run` execs the server (after installing it if needed), so this child is the server:
    // its exit is the end of the server's shutdown, its files complete. Its own process group all the same.
    const child = spawn('bash', args, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TYPESENSE_API_KEY: apiKey } });
    let output = '';
    const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const exited = once(child, 'exit');
    stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    };
    const fail = (why: string, cause?: unknown) => new Error(`private Typesense ${why}; the end of its output:\n${output}`, { cause });
    const outcome = await waitFor(async () => (child.exitCode !== null ? 'exited' : (await healthy()) && 'healthy'), { timeout: 60_000, interval: 200, description: 'private Typesense healthy' }).catch((error: unknown) => {
      throw fail('did not become healthy', error);
    });
    if (outcome === 'exited') throw fail(`exited with ${child.exitCode}`);
  };
  onCleanup(t, () => stop());
  await start();
  return { url, apiKey, dataDir, stop: () => stop(), start };
}
