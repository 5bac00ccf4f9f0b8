/**
 * make bench: rebuilding the projections that have no transactions to lean on from offset 0, the
 * user documents in MongoDB (FerretDB natively, every write position-guarded) and the search
 * index (PostgreSQL full text + trigram, and a private Typesense server), over the same identity
 * events. The events are produced once per invocation (pre-encoded, a raw producer) onto one
 * topic; each round reads it again under its own group into its own database, collection or
 * server, removed afterwards.
 */
import { cpus, totalmem } from 'node:os';
import diagnostics from 'node:diagnostics_channel';
import type { TestContext } from 'node:test';
import type { Message } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { DomainEvent } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import type { ProjectionBatchReport } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createPostgresSearchIndex, createTypesenseIndex } from '@thalweg/platform/search';
import { startTypesenseProcess, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { deadLetterTopicName } from '@thalweg/platform/topics';
import { createUserProjector } from '../services/projector-mongo/src/user-projector.ts';
import { createPostgresSearchOffsets, createTypesenseSearchOffsets } from '../services/projector-search/src/search-offsets.ts';
import { createSearchProjector } from '../services/projector-search/src/search-projector.ts';
import { createBenchDatabase } from './bench-database.ts';
import { registerSubjects } from './register-subjects.ts';

const USERS = Number(process.env.BENCH_USERS ?? 2_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** `0` leaves the Typesense rounds out (a stack without the Typesense component). */
const TYPESENSE = process.env.BENCH_TYPESENSE !== '0';
const PARTITIONS = 6;
const EVENT_TYPES = ['thalweg.identity.UserRegistered', 'thalweg.identity.ProfileUpdated', 'thalweg.identity.KycStatusChanged'];
const catalog = loadSchemaCatalog();
const kafka = createKafka({ brokers: testStack.brokers, clientId: 'bench', ...(testStack.kafkaSasl ? { sasl: testStack.kafkaSasl } : {}) });
const admin = kafka.admin();
const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Five events a user: registered, a profile change, and KYC submitted, in review, approved. */
function identityEvents(users: number): DomainEvent[] {
  const at = new Date();
  const tenant = 'bench';
  return Array.from({ length: users }, (_, index) => {
    const userId = crypto.randomUUID();
    const kyc = (state: string, previousState: string) => ({
      type: 'thalweg.identity.KycStatusChanged',
      subject: userId,
      tenant,
      data: { userId, tenantId: tenant, state, previousState, reviewer: state === 'submitted' ? null : 'reviewer', reason: null, documents: state === 'submitted' ? [{ documentId: `d-${index}`, kind: 'passport' }] : [], changedAt: at },
    });
    return [
      { type: 'thalweg.identity.UserRegistered', subject: userId, tenant, data: { userId, tenantId: tenant, email: `user-${index}@example.test`, name: `User Number${index}`, country: 'FR', registeredAt: at } },
      { type: 'thalweg.identity.ProfileUpdated', subject: userId, tenant, data: { userId, tenantId: tenant, name: null, country: 'BE', preferences: null, updatedAt: at } },
      kyc('submitted', 'pending'),
      kyc('in_review', 'submitted'),
      kyc('approved', 'in_review'),
    ];
  }).flat();
}

/** The topic with the events on it, produced once: values Avro-encoded beforehand, headers as the SDK sets them. */
async function sourceTopic(events: DomainEvent[]) {
  const topic = uniqueName('bench-identity');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: -1 }] });
  const subjects = await registerSubjects(topic, EVENT_TYPES);
  const ids = new Map<string, number>();
  for (const type of EVENT_TYPES) ids.set(type, await registry.idFor(`${topic}-${type}`, catalog.get(type).schema));
  const time = new Date().toISOString();
  const messages: Message[] = events.map(({ type, subject, tenant, data }) => ({
    key: subject,
    value: registry.encode(ids.get(type)!, catalog.get(type).type, data),
    headers: { ce_specversion: '1.0', ce_id: crypto.randomUUID(), ce_type: type, ce_source: '/thalweg/bench', ce_time: time, ce_subject: subject, 'content-type': 'application/avro', thalweg_tenant: tenant },
  }));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  for (let start = 0; start < messages.length; start += 5 * BATCH) await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: messages.slice(start, start + 5 * BATCH) }] });
  await producer.disconnect();
  return {
    topic,
    async remove() {
      await admin.deleteTopics({ topics: [topic] });
      for (const subject of subjects) await deleteSubject(testStack.registryUrl, subject);
    },
  };
}

/** A group of the round's own and its dead letter topic, removed by the returned cleanup. */
async function roundGroup(prefix: string, topic: string) {
  const group = uniqueName(prefix);
  const deadLetters = deadLetterTopicName(topic, group);
  // No wait for its leaders: nothing is dead-lettered unless the run goes wrong.
  await admin.createTopics({ topics: [{ topic: deadLetters, numPartitions: PARTITIONS, replicationFactor: -1 }] });
  return { group, remove: () => admin.deleteTopics({ topics: [deadLetters] }) };
}

/** Events/s from the projector's start until its batch reports account for every event. */
async function timeProjection(group: string, total: number, start: () => Promise<{ stop(): Promise<void> }>): Promise<number> {
  let done = 0;
  const count = (report: unknown) => {
    const batch = report as ProjectionBatchReport;
    if (batch.group === group && !batch.failed) done += batch.applied + batch.deadLettered;
  };
  diagnostics.subscribe('thalweg:projection:batch', count);
  const started = performance.now();
  const projector = await start();
  try {
    await waitFor(() => done >= total, { timeout: 600_000, interval: 20, description: `${total} events projected` });
    return total / ((performance.now() - started) / 1_000);
  } finally {
    await projector.stop();
    diagnostics.unsubscribe('thalweg:projection:batch', count);
  }
}

function projectorOptions(topic: string, group: string) {
  return { kafka, registry, group, topics: [topic], deadLetterTopic: (name: string) => deadLetterTopicName(name, group), readers: { find: (fullName: string) => catalog.get(fullName).schema } };
}

async function mongoRound(topic: string, total: number): Promise<number> {
  const { group, remove } = await roundGroup('bench-mongo', topic);
  const client = new MongoClient(testStack.mongodbUrl);
  const db = client.db(uniqueName('bench', '_').toLowerCase());
  try {
    return await timeProjection(group, total, async () => {
      const projector = await createUserProjector({ ...projectorOptions(topic, group), db });
      await projector.start();
      return projector;
    });
  } finally {
    await db.dropDatabase();
    await client.close();
    await remove();
  }
}

async function searchRound(topic: string, total: number): Promise<number> {
  const { group, remove } = await roundGroup('bench-search', topic);
  const { pool, drop } = await createBenchDatabase();
  try {
    return await timeProjection(group, total, async () => {
      const projector = await createSearchProjector({ ...projectorOptions(topic, group), index: createPostgresSearchIndex({ pool }), offsets: createPostgresSearchOffsets(pool) });
      await projector.start();
      return projector;
    });
  } finally {
    await drop();
    await remove();
  }
}

/** A Typesense server of the round's own (the stack's install, its own port and data), stopped and removed after. */
async function typesenseRound(topic: string, total: number): Promise<number> {
  const { group, remove } = await roundGroup('bench-typesense', topic);
  // The testing helper registers its cleanup on a test context; the round runs it itself.
  const cleanups: Array<() => unknown> = [];
  const context = { after: (step: () => unknown) => void cleanups.push(step) } as unknown as TestContext;
  try {
    const server = await startTypesenseProcess(context);
    return await timeProjection(group, total, async () => {
      const index = createTypesenseIndex({ url: server.url, apiKey: server.apiKey });
      const projector = await createSearchProjector({ ...projectorOptions(topic, group), index, offsets: createTypesenseSearchOffsets({ url: server.url, apiKey: server.apiKey }) });
      await projector.start();
      return projector;
    });
  } finally {
    for (const step of cleanups) await step();
    await remove();
  }
}

async function main() {
  const started = performance.now();
  await admin.connect();
  const events = identityEvents(USERS);
  const source = await sourceTopic(events);
  const results = { mongo: [] as number[], search: [] as number[], typesense: [] as number[] };
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      results.mongo.push(await mongoRound(source.topic, events.length));
      results.search.push(await searchRound(source.topic, events.length));
      if (TYPESENSE) results.typesense.push(await typesenseRound(source.topic, events.length));
      console.error(`round ${round}: mongo ${results.mongo.at(-1)!.toFixed(0)}/s, search ${results.search.at(-1)!.toFixed(0)}/s${TYPESENSE ? `, typesense ${results.typesense.at(-1)!.toFixed(0)}/s` : ''}`);
    }
  } finally {
    await source.remove();
    await admin.disconnect();
  }
  const row = (name: string, values: number[]) => console.log(`| ${name} | ${median(values).toFixed(0)} | ${values.map((value) => value.toFixed(0)).join(', ')} |`);
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Workload: ${events.length} identity events (${USERS} users × registered, profile, 3 KYC steps), ${PARTITIONS} partitions, produced once; each projection rebuilt from offset 0; median of ${ROUNDS} rounds`);
  console.log('');
  console.log('| projection | events/s (median) | all rounds |');
  console.log('|---|---:|---|');
  row('user documents, MongoDB wire (FerretDB on PostgreSQL natively), position-guarded writes', results.mongo);
  row('search index, PostgreSQL full text + trigram, upserts and partial updates', results.search);
  if (TYPESENSE) row('search index, Typesense (a private server of the stack\'s install), `import` of upserts and updates', results.typesense);
  console.log(`Whole benchmark: ${((performance.now() - started) / 1_000).toFixed(0)} s`);
}

await main();
