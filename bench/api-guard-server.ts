/**
 * The API-guard bench's server and load: an express app per case answering GET /v1/ping after
 * `access.authorize` (so every request asks the policy), and concurrent keep-alive callers.
 */
import { Redis } from 'ioredis';
import { createApiSecurity, createServiceApp, listen } from '@thalweg/platform/http';
import { createLogger } from '@thalweg/platform/telemetry';
import { testStack } from '@thalweg/platform/testing';

/** Requests per round and concurrent callers (BENCH_REQUESTS, BENCH_CONCURRENCY). */
export const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const logger = createLogger({ level: 'error', bindings: { service: 'bench' } });
const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;

export type Case = { name: string; guarded: boolean; opaCacheMs?: number };
export const cases: Case[] = [
  { name: 'no guards', guarded: false },
  { name: 'token + rate limit + OPA, decision cache 2 s (default)', guarded: true, opaCacheMs: 2_000 },
  { name: 'token + rate limit + OPA, no decision cache', guarded: true, opaCacheMs: 0 },
];

export async function serve(redis: Redis, { guarded, opaCacheMs = 0 }: Case) {
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

/** `requests` GET /v1/ping from `concurrency` keep-alive callers; throughput and latency percentiles. */
export async function round(url: string, token: string, { requests = REQUESTS, concurrency = CONCURRENCY } = {}): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
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
  return { perSecond: requests / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}
