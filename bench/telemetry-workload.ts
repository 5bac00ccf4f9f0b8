/**
 * One round of the telemetry-cost bench, in a process of its own (telemetry-cost.ts starts it
 * with tracing on or off): the producer SDK publishing ledger events, then the guarded API route
 * under concurrent callers. Prints one JSON line: events/s and requests/s.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createPublisher } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { shutdownTracing } from '@thalweg/platform/telemetry';
import { testStack, uniqueName, userToken } from '@thalweg/platform/testing';
import { cases, round, serve } from './api-guard-server.ts';
import { chunks, ledgerEvents } from './ledger-events.ts';
import { registerSubjects } from './register-subjects.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);

async function producerPerSecond(): Promise<number> {
  const kafka = createKafka({ brokers: testStack.brokers, clientId: 'bench-telemetry', ...(testStack.kafkaSasl ? { sasl: testStack.kafkaSasl } : {}) });
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('bench-telemetry');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: -1 }] });
  const subjects = await registerSubjects(topic, ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited']);
  const publisher = createPublisher({ kafka, registry: createSchemaRegistryClient({ url: testStack.registryUrl }), schemas: loadSchemaCatalog(), topics: { topicForEventType: () => ({ name: topic }) }, source: '/thalweg/bench' });
  try {
    const events = ledgerEvents(EVENTS);
    await publisher.publishBatch(events.slice(0, 10)); // warm caches and connections
    const started = performance.now();
    for (const batch of chunks(events, BATCH)) await publisher.publishBatch(batch);
    return EVENTS / ((performance.now() - started) / 1_000);
  } finally {
    await publisher.disconnect();
    for (const subject of subjects) await deleteSubject(testStack.registryUrl, subject).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

async function routePerSecond(): Promise<number> {
  const redis = new Redis(testStack.redisUrl);
  const server = await serve(redis, cases.find((entry) => entry.guarded && entry.opaCacheMs === 2_000)!);
  try {
    const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/v1/ping`;
    const token = await userToken('carol');
    await round(url, token, { requests: 500 }); // warm-up: keys fetched, connections open
    return (await round(url, token, { requests: REQUESTS })).perSecond;
  } finally {
    await server.close();
    redis.disconnect();
  }
}

const producer = await producerPerSecond();
const route = await routePerSecond();
await shutdownTracing();
console.log(JSON.stringify({ producer, route }));
