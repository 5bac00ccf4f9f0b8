/**
 * make bench: what the API guards cost. One express app per case, served on 127.0.0.1, answering
 * GET /v1/ping after `access.authorize` (so every request asks the policy), driven by concurrent
 * keep-alive callers with a real Keycloak token; OPA and Redis are the stack's.
 */
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createApiSecurity, createServiceApp, listen } from '@thalweg/platform/http';
import { createLogger } from '@thalweg/platform/telemetry';
import { testStack, userToken } from '@thalweg/platform/testing';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const logger = createLogger({ level: 'error', bindings: { service: 'bench' } });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;

type Case = { name: string; guarded: boolean; opaCacheMs?: number };
const cases: Case[] = [
  { name: 'no guards', guarded: false },
  { name: 'token + rate limit + OPA, decision cache 2 s (default)', guarded: true, opaCacheMs: 2_000 },
  { name: 'token + rate limit + OPA, no decision cache', guarded: true, opaCacheMs: 0 },
];

async function serve(redis: Redis, { guarded, opaCacheMs = 0 }: Case) {
  const security = createApiSecurity({
    service: 'bench',
    redis,
    logger,
    settings: {
      keycloakUrl: testStack.keycloakUrl,
      keycloakRealm: 'thalweg',
      tokenAudience: 'thalweg-api',
      keycloakTimeoutMs: 2_000,
      opaUrl: testStack.opaUrl,
      opaTimeoutMs: 2_000,
      opaCacheMs,
      rateLimitWindowSeconds: 60,
      rateLimitReads: 10_000_000,
      rateLimitWrites: 10_000_000,
    },
  });
  const app = createServiceApp({
    name: 'bench',
    logger,
    openapi: {},
    guards: guarded ? security.guards : [],
    routes: (router) =>
      router.get('/ping', async (request, response) => {
        if (guarded) await security.access.authorize(request, 'wallets:read', { type: 'wallet', id: 'w-1', tenant: 'acme' });
        response.json({ ok: true });
      }),
  });
  return listen(app, { host: '127.0.0.1', port: 0 });
}

async function round(url: string, token: string): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const sent = performance.now();
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET /v1/ping answered ${response.status}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  latencies.sort((a, b) => a - b);
  return { perSecond: REQUESTS / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

async function main() {
  const redis = new Redis(testStack.redisUrl);
  const token = await userToken('carol');
  const rows: string[] = [];
  try {
    for (const benchCase of cases) {
      const server = await serve(redis, benchCase);
      const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/v1/ping`;
      try {
        await round(url, token); // warm-up: keys fetched, connections open
        const results = [];
        for (let index = 0; index < ROUNDS; index += 1) results.push(await round(url, token));
        console.error(`${benchCase.name}: ${results.map((result) => result.perSecond.toFixed(0)).join(', ')} requests/s`);
        rows.push(
          `| ${benchCase.name} | ${median(results.map((result) => result.perSecond)).toFixed(0)} | ${median(results.map((result) => result.p50)).toFixed(2)} | ${median(results.map((result) => result.p99)).toFixed(2)} | ${results.map((result) => result.perSecond.toFixed(0)).join(', ')} |`,
        );
      } finally {
        await server.close();
      }
    }
  } finally {
    redis.disconnect();
  }
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Workload: ${REQUESTS} GET requests per round, ${CONCURRENCY} concurrent callers (fetch keeps connections alive), one user token; median of ${ROUNDS} rounds`);
  console.log('');
  console.log('| API guards | requests/s (median) | p50 ms | p99 ms | all rounds |');
  console.log('|---|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
}

await main();
