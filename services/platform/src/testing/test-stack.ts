import type { TestContext } from 'node:test';
import { onCleanup } from './cleanup.ts';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { kafkaSettings } from '../config/index.ts';
import { createKafka, kafkaSasl, type KafkaSasl } from '../kafka/index.ts';
import { deadLetterTopicName } from '../topics/index.ts';
import { uniqueName } from './unique.ts';
import { waitFor } from './wait-for.ts';

const env = process.env;

/** Where the stack started by `make test` listens; the same THALWEG_ variables the services read. */
export const testStack = {
  brokers: (env.THALWEG_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  /** The operator principal from stack.env (thalweg-admin); tests act as it unless they say otherwise. */
  kafkaSasl: kafkaSasl({
    kafkaUsername: env.THALWEG_KAFKA_USERNAME ?? '',
    kafkaPassword: env.THALWEG_KAFKA_PASSWORD ?? '',
    kafkaSaslMechanism: env.THALWEG_KAFKA_SASL_MECHANISM ? kafkaSettings.kafkaSaslMechanism.parse(env.THALWEG_KAFKA_SASL_MECHANISM) : undefined,
  }),
  registryUrl: env.THALWEG_REGISTRY_URL ?? 'http://127.0.0.1:8085/apis/ccompat/v7',
  databaseUrl: env.THALWEG_DATABASE_URL ?? 'postgres://thalweg:thalweg@127.0.0.1:5432/thalweg',
  mongodbUrl: env.THALWEG_MONGODB_URL ?? 'mongodb://127.0.0.1:27017/thalweg',
  redisUrl: env.THALWEG_REDIS_URL ?? 'redis://127.0.0.1:6379',
  keycloakUrl: env.THALWEG_KEYCLOAK_URL ?? 'http://127.0.0.1:8080',
  opaUrl: env.THALWEG_OPA_URL ?? 'http://127.0.0.1:8181',
};

/** A client of the test stack, as the operator principal unless another identity is given. */
export function testKafka(clientId = uniqueName('test-client'), { sasl = testStack.kafkaSasl }: { sasl?: KafkaSasl } = {}): Kafka {
  return createKafka({ brokers: testStack.brokers, clientId, ...(sasl ? { sasl } : {}) });
}

/** An admin client closed when the test ends. */
export async function testAdmin(t: TestContext, kafka: Kafka = testKafka()): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  onCleanup(t, () => admin.disconnect());
  return admin;
}

/** Creates a topic of the test's own (with topic configs, e.g. `cleanup.policy: compact`), deleted when the test ends. */
export async function createTestTopic(
  t: TestContext,
  admin: Admin,
  { prefix = 'test', partitions = 3, name = uniqueName(prefix), configs = {} }: { prefix?: string; partitions?: number; name?: string; configs?: Record<string, string> } = {},
): Promise<string> {
  const configEntries = Object.entries(configs).map(([configName, value]) => ({ name: configName, value }));
  await admin.createTopics({ waitForLeaders: false, topics: [{ topic: name, numPartitions: partitions, replicationFactor: -1, configEntries }] });
  // Leaders elected and known to the broker asked: on a cluster of several brokers the new topic
  // reaches each broker's metadata a moment apart, and KafkaJS's own wait fails on the first miss.
  await waitFor(
    async () => {
      const [described] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
      return described?.partitions.length === partitions && described.partitions.every((partition) => partition.leader >= 0);
    },
    { description: `leaders of ${name}` },
  );
  onCleanup(t, () => admin.deleteTopics({ topics: [name] }).catch(() => {}));
  return name;
}

/**
 * A consumer group of the test's own for a consumer of `topics`, with the dead letter topic
 * `topics apply` would derive on each (as many partitions as the topic; a service's own principal
 * may not create topics). Registered before the consumers start, so the group and its dead letter
 * topics are deleted when the test ends, after those consumers have stopped and left.
 */
export async function createTestConsumerGroup(t: TestContext, admin: Admin, { prefix, topics }: { prefix: string; topics: string[] }): Promise<string> {
  const group = uniqueName(prefix);
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
  for (const { name, partitions } of metadata) await createTestTopic(t, admin, { name: deadLetterTopicName(name, group), partitions: partitions.length });
  return group;
}

/**
 * Deletes, when the test ends, those of `topics` that exist then: for topics the code under
 * test creates (a CLI run, `topics apply`), not the test itself.
 */
export function deleteTopicsAtEnd(t: TestContext, admin: Admin, topics: string[]): void {
  onCleanup(t, async () => {
    const existing = (await admin.listTopics()).filter((name) => topics.includes(name));
    if (existing.length > 0) await admin.deleteTopics({ topics: existing });
  });
}

/** A database of the test's own (dropped when it ends) and a pool on it. */
export async function createTestDatabase(t: TestContext, prefix = 'test'): Promise<{ name: string; url: string; pool: pg.Pool }> {
  const name = uniqueName(prefix, '_').toLowerCase();
  const admin = new pg.Client({ connectionString: testStack.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testStack.databaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 5, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => {});
  onCleanup(t, async () => {
    await pool.end().catch(() => {});
    const dropper = new pg.Client({ connectionString: testStack.databaseUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  return { name, url: url.toString(), pool };
}

/** Reads a topic from the beginning until `count` records arrived (or fails at the deadline). */
export async function readTopic(t: TestContext, kafka: Kafka, topic: string, count: number, { timeout = 30_000 } = {}): Promise<Array<KafkaMessage & { partition: number }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader'), allowAutoTopicCreation: false });
  onCleanup(t, () => consumer.disconnect());
  const received: Array<KafkaMessage & { partition: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // A reader of its own group, never resumed: committing each batch would only slow it down.
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      received.push({ ...message, partition });
    },
  });
  await waitFor(() => received.length >= count, { timeout, description: `${count} records on ${topic}` });
  await consumer.disconnect();
  return received;
}

/** The one record at a position (as a publish reports it), read by a consumer of its own. */
export async function readRecordAt(t: TestContext, kafka: Kafka, position: { topic: string; partition: number; offset: string }, { timeout = 30_000 } = {}): Promise<KafkaMessage> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader'), allowAutoTopicCreation: false });
  onCleanup(t, () => consumer.disconnect());
  let found: KafkaMessage | undefined;
  await consumer.connect();
  await consumer.subscribe({ topic: position.topic });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (partition === position.partition && message.offset === position.offset) found = message;
    },
  });
  consumer.seek({ topic: position.topic, partition: position.partition, offset: position.offset });
  const record = await waitFor(() => found, { timeout, description: `the record at ${position.topic}/${position.partition}@${position.offset}` });
  await consumer.disconnect();
  return record;
}
