/**
 * make bench: what the API guards cost. One express app per case, served on 127.0.0.1, answering
 * GET /v1/ping after `access.authorize` (so every request asks the policy), driven by concurrent
 * keep-alive callers with a real Keycloak token; OPA and Redis are the stack's.
 */
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { testStack, userToken } from '@thalweg/platform/testing';
import { CONCURRENCY, REQUESTS, cases, round, serve } from './api-guard-server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

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
