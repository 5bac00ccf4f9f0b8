/**
 * make bench: throughput of the producer SDK against raw KafkaJS sending the same pre-encoded
 * payloads with the same batching and producer settings, and of the PostgreSQL projection.
 * Each run uses its own topics, subjects and database and removes them afterwards.
 */
import { cpus, totalmem } from 'node:os';
import type { Message } from 'kafkajs';
import { createPublisher, type DomainEvent } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog, deleteSubject } from '@thalweg/platform/schemas';
import { waitFor, uniqueName, testStack } from '@thalweg/platform/testing';
import { deadLetterTopicName } from '@thalweg/platform/topics';
import { createLedgerProjector } from '../services/projector-postgres/src/ledger-projector.ts';
import { createBenchDatabase } from './bench-database.ts';
import { chunks, ledgerEvents } from './ledger-events.ts';
import { registerSubjects } from './register-subjects.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 6;
const catalog = loadSchemaCatalog();
const kafka = createKafka({ brokers: testStack.brokers, clientId: 'bench', ...(testStack.kafkaSasl ? { sasl: testStack.kafkaSasl } : {}) });
const admin = kafka.admin();
const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
const cleanups: Array<() => Promise<unknown>> = [];

async function topic(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: PARTITIONS, replicationFactor: -1 }] });
  cleanups.push(() => admin.deleteTopics({ topics: [name] }));
  return name;
}

async function register(topicName: string) {
  const subjects = await registerSubjects(topicName, ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited']);
  for (const subject of subjects) cleanups.push(() => deleteSubject(testStack.registryUrl, subject));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function producerRound(events: DomainEvent[]) {
  const sdkTopic = await topic('bench-sdk');
  const rawTopic = await topic('bench-raw');
  await register(sdkTopic);
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: () => ({ name: sdkTopic }) }, source: '/thalweg/bench' });
  await publisher.connect();
  await publisher.publishBatch(events.slice(0, 10)); // warm caches and connections
  let started = performance.now();
  for (const batch of chunks(events, BATCH)) await publisher.publishBatch(batch);
  const sdkSeconds = (performance.now() - started) / 1000;
  await publisher.disconnect();

  // Raw KafkaJS: the same bytes and headers, encoded beforehand; same producer settings and batches.
  const schemaIds = new Map<string, number>();
  for (const fullName of ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited']) schemaIds.set(fullName, await registry.idFor(`${sdkTopic}-${fullName}`, catalog.get(fullName).schema));
  const messages: Message[] = events.map((event) => ({
    key: event.subject,
    value: registry.encode(schemaIds.get(event.type)!, catalog.get(event.type).type, event.data),
    headers: { ce_specversion: '1.0', ce_id: crypto.randomUUID(), ce_type: event.type, ce_source: '/thalweg/bench', ce_time: new Date().toISOString(), ce_subject: event.subject, 'content-type': 'application/avro', thalweg_tenant: 'bench' },
  }));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: rawTopic, acks: -1, messages: messages.slice(0, 10) });
  started = performance.now();
  for (const batch of chunks(messages, BATCH)) await producer.sendBatch({ acks: -1, topicMessages: [{ topic: rawTopic, messages: batch }] });
  const rawSeconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return { sdk: events.length / sdkSeconds, raw: events.length / rawSeconds };
}

async function projectionRound(events: DomainEvent[]) {
  const source = await topic('bench-projection');
  const group = uniqueName('bench-projector');
  await admin.createTopics({ topics: [{ topic: deadLetterTopicName(source, group), numPartitions: PARTITIONS, replicationFactor: -1 }] });
  cleanups.push(() => admin.deleteTopics({ topics: [deadLetterTopicName(source, group)] }));
  await register(source);
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: () => ({ name: source }) }, source: '/thalweg/bench' });
  for (const batch of chunks(events, BATCH)) await publisher.publishBatch(batch);
  await publisher.disconnect();

  const { pool, drop } = await createBenchDatabase();
  cleanups.push(drop);
  const projector = await createLedgerProjector({ kafka, registry, pool, group, topics: [source], deadLetterTopic: (name) => deadLetterTopicName(name, group) });
  const started = performance.now();
  await projector.start();
  await waitFor(async () => Number((await pool.query<{ n: string }>('SELECT coalesce(sum(version), 0) AS n FROM wallets')).rows[0]!.n) >= events.length, {
    timeout: 600_000,
    interval: 50,
    description: 'all events projected',
  });
  const seconds = (performance.now() - started) / 1000;
  await projector.stop();
  return events.length / seconds;
}

async function main() {
  await admin.connect();
  const brokers = (await admin.describeCluster()).brokers.length;
  const events = ledgerEvents(EVENTS);
  const producer: Array<{ sdk: number; raw: number }> = [];
  const projection: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      producer.push(await producerRound(events));
      projection.push(await projectionRound(ledgerEvents(EVENTS)));
      console.error(`round ${round}: sdk ${producer.at(-1)!.sdk.toFixed(0)}/s, raw ${producer.at(-1)!.raw.toFixed(0)}/s, projection ${projection.at(-1)!.toFixed(0)}/s`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await admin.disconnect();
  }
  const sdk = median(producer.map((entry) => entry.sdk));
  const raw = median(producer.map((entry) => entry.raw));
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${brokers} broker(s)`);
  console.log(`Workload: ${EVENTS} ledger events (1 % WalletOpened, 99 % FundsCredited), batches of ${BATCH}, ${PARTITIONS} partitions, idempotent producer, acks=all; median of ${ROUNDS} rounds`);
  console.log('');
  console.log('| measure | events/s (median) | all rounds |');
  console.log('|---|---:|---|');
  console.log(`| producer SDK publishBatch (validate + encode + headers + send) | ${sdk.toFixed(0)} | ${producer.map((entry) => entry.sdk.toFixed(0)).join(', ')} |`);
  console.log(`| raw KafkaJS sendBatch, same pre-encoded payloads and batching | ${raw.toFixed(0)} | ${producer.map((entry) => entry.raw.toFixed(0)).join(', ')} |`);
  console.log(`| SDK / raw ratio | ${(sdk / raw).toFixed(2)} | |`);
  console.log(`| PostgreSQL ledger projection (decode + apply + offsets, one transaction per batch) | ${median(projection).toFixed(0)} | ${projection.map((value) => value.toFixed(0)).join(', ')} |`);
}

await main();
