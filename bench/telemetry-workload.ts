/**
 * The telemetry-cost bench's measured process (telemetry-cost.ts starts it with tracing on or
 * off). `producer`: publishes ledger events with the producer SDK and prints one JSON line, events
 * per second and this process's CPU microseconds per event. `route`: serves the guarded API route
 * and prints its URL; each SIGUSR2 prints this process's CPU time so far (user + system, µs), so
 * the caller, in a process of its own, measures what serving costs here.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createPublisher } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { shutdownTracing } from '@thalweg/platform/telemetry';
import { testStack, uniqueName } from '@thalweg/platform/testing';
import { cases, serve } from './api-guard-server.ts';
import { chunks, ledgerEvents } from './ledger-events.ts';
import { registerSubjects } from './register-subjects.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function producer(): Promise<void> {
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
    const [cpu, started] = [cpuMicros(), performance.now()];
    for (const batch of chunks(events, BATCH)) await publisher.publishBatch(batch);
    const seconds = (performance.now() - started) / 1_000;
    console.log(JSON.stringify({ perSecond: EVENTS / seconds, cpuMicrosPerItem: (cpuMicros() - cpu) / EVENTS }));
  } finally {
    await publisher.disconnect();
    for (const subject of subjects) await deleteSubject(testStack.registryUrl, subject).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

async function route(): Promise<void> {
  const redis = new Redis(testStack.redisUrl);
  const server = await serve(redis, cases.find((entry) => entry.guarded && entry.opaCacheMs === 2_000)!);
  process.on('SIGUSR2', () => console.log(JSON.stringify({ cpuMicros: cpuMicros() })));
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => shutdownTracing())
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  });
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/v1/ping` }));
}

if (process.argv[2] === 'route') await route();
else {
  await producer();
  await shutdownTracing();
}
