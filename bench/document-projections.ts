/**
 * make bench: throughput of the projections that have no transactions to lean on, the user
 * documents in MongoDB (FerretDB natively, every write position-guarded) and the search index
 * (PostgreSQL full text + trigram natively, partial updates), over the same identity events.
 * Each round uses its own topic, subjects, databases and group, removed afterwards.
 */
import { cpus, totalmem } from 'node:os';
import diagnostics from 'node:diagnostics_channel';
import { MongoClient } from 'mongodb';
import { createPublisher, type DomainEvent } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import type { ProjectionBatchReport } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createPostgresSearchIndex } from '@thalweg/platform/search';
import { testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { deadLetterTopicName } from '@thalweg/platform/topics';
import { createUserProjector } from '../services/projector-mongo/src/user-projector.ts';
import { createPostgresSearchOffsets } from '../services/projector-search/src/search-offsets.ts';
import { createSearchProjector } from '../services/projector-search/src/search-projector.ts';
import { createBenchDatabase } from './bench-database.ts';
import { registerSubjects } from './register-subjects.ts';

const USERS = Number(process.env.BENCH_USERS ?? 2_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

/** A topic with the events on it, its dead letter topic for the group, and the subjects; removed by the returned cleanup. */
async function sourceTopic(events: DomainEvent[], group: string) {
  const topic = uniqueName('bench-identity');
  await admin.createTopics({ waitForLeaders: true, topics: [topic, deadLetterTopicName(topic, group)].map((name) => ({ topic: name, numPartitions: PARTITIONS, replicationFactor: -1 })) });
  const subjects = await registerSubjects(topic, EVENT_TYPES);
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: () => ({ name: topic }) }, source: '/thalweg/bench' });
  for (let start = 0; start < events.length; start += BATCH) await publisher.publishBatch(events.slice(start, start + BATCH));
  await publisher.disconnect();
  return {
    topic,
    async remove() {
      await admin.deleteTopics({ topics: [topic, deadLetterTopicName(topic, group)] });
      for (const subject of subjects) await deleteSubject(testStack.registryUrl, subject);
    },
  };
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

async function mongoRound(events: DomainEvent[]): Promise<number> {
  const group = uniqueName('bench-mongo');
  const source = await sourceTopic(events, group);
  const client = new MongoClient(testStack.mongodbUrl);
  const db = client.db(uniqueName('bench', '_').toLowerCase());
  try {
    return await timeProjection(group, events.length, async () => {
      const projector = await createUserProjector({ ...projectorOptions(source.topic, group), db });
      await projector.start();
      return projector;
    });
  } finally {
    await db.dropDatabase();
    await client.close();
    await source.remove();
  }
}

async function searchRound(events: DomainEvent[]): Promise<number> {
  const group = uniqueName('bench-search');
  const source = await sourceTopic(events, group);
  const { pool, drop } = await createBenchDatabase();
  try {
    return await timeProjection(group, events.length, async () => {
      const projector = await createSearchProjector({ ...projectorOptions(source.topic, group), index: createPostgresSearchIndex({ pool }), offsets: createPostgresSearchOffsets(pool) });
      await projector.start();
      return projector;
    });
  } finally {
    await drop();
    await source.remove();
  }
}

async function main() {
  await admin.connect();
  const mongo: number[] = [];
  const search: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      mongo.push(await mongoRound(identityEvents(USERS)));
      search.push(await searchRound(identityEvents(USERS)));
      console.error(`round ${round}: mongo ${mongo.at(-1)!.toFixed(0)}/s, search ${search.at(-1)!.toFixed(0)}/s`);
    }
  } finally {
    await admin.disconnect();
  }
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Workload: ${USERS * 5} identity events (${USERS} users × registered, profile, 3 KYC steps), ${PARTITIONS} partitions; median of ${ROUNDS} rounds`);
  console.log('');
  console.log('| projection | events/s (median) | all rounds |');
  console.log('|---|---:|---|');
  console.log(`| user documents, MongoDB wire (FerretDB on PostgreSQL natively), position-guarded writes | ${median(mongo).toFixed(0)} | ${mongo.map((value) => value.toFixed(0)).join(', ')} |`);
  console.log(`| search index, PostgreSQL full text + trigram, upserts and partial updates | ${median(search).toFixed(0)} | ${search.map((value) => value.toFixed(0)).join(', ')} |`);
}

await main();
