import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProjectionOffsetsTable, offsetDocumentId, projectionOffsetsCollection } from '@thalweg/platform/projection';
import { createTestConsumerGroup, createTestDatabase, createTestMongoDatabase, createTestTopic, freePort, onCleanup, startServiceProcess, startTypesenseProcess, testAdmin, testKafka, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { createTypesenseOffsets } from '@thalweg/platform/search';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { createPublisher } from '@thalweg/platform/events';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { runThalweg, transcript } from './testing/run-thalweg.ts';

type Admin = Awaited<ReturnType<typeof testAdmin>>;

interface PartitionStatus {
  partition: number;
  stored: number | null;
  end: number | null;
  lag: number | null;
  committed: number | null;
  lastAppliedAt: string | null;
}

interface StatusJson {
  projections: Array<{
    name: string;
    group: string;
    store: { state: string; backend: string; error?: string };
    topics: Array<{ topic: string; error?: string; partitions: PartitionStatus[] }>;
    lag: number | null;
    readiness: { source: string; instances: Array<{ url: string; state: string }> };
  }>;
}

/**
 * A topic of the test's own with `counts[p]` records on partition p, declared in a topics
 * directory of the test's own as read by `service`, so the projection's topics are this one alone.
 */
async function projectedTopic(t: TestContext, admin: Admin, service: string, counts: number[]) {
  const topic = await createTestTopic(t, admin, { name: `${uniqueName('it', '')}.wallets.v1`, partitions: counts.length });
  const dir = mkdtempSync(join(tmpdir(), 'thalweg-projections-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, `${topic}.yaml`),
    [`name: ${topic}`, 'description: Integration test topic.', `partitions: ${counts.length}`, 'replicationFactor: 1', 'eventTypes: [thalweg.ledger.WalletOpened]', 'producers: [command-api]', 'consumers:', `  - group: ${service}`, ''].join('\n'),
  );
  const producer = testKafka().producer();
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  await producer.send({ topic, acks: -1, messages: counts.flatMap((count, partition) => Array.from({ length: count }, (_, index) => ({ partition, key: `k${index}`, value: `record ${index}` }))) });
  return { topic, dir };
}

/** A consumer group of the test's own, deleted when it ends. */
function testGroup(t: TestContext, admin: Admin): string {
  const group = uniqueName('projection-test');
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  return group;
}

/** The instance URL a status looks for: a port nothing listens on, named by the variable the operator sets. */
async function absentInstance(variable: string) {
  return { [variable]: `http://127.0.0.1:${await freePort()}` };
}

async function liveEnds(admin: Admin, topic: string) {
  return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => [partition, { end: Number(high), low: Number(low) }]));
}

async function liveCommitted(admin: Admin, group: string, topic: string) {
  const [answer] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map(answer!.partitions.map(({ partition, offset }) => [partition, Number(offset) < 0 ? null : Number(offset)]));
}

function parse(run: Awaited<ReturnType<typeof runThalweg>>): StatusJson {
  try {
    return JSON.parse(run.stdout) as StatusJson;
  } catch (error) {
    throw new Error(`not JSON:\n${transcript(run)}`, { cause: error });
  }
}

test('projections status reads the ledger projection’s offsets from its PostgreSQL store and lags them against Kafka', async (t) => {
  const admin = await testAdmin(t);
  const { topic, dir } = await projectedTopic(t, admin, 'projector-postgres', [5, 3, 0]);
  const group = testGroup(t, admin);
  const database = await createTestDatabase(t, 'projections_status');
  await createProjectionOffsetsTable(database.pool);
  // Partition 0 applied up to 2, partition 1 to its end, partition 2 never: no row.
  await database.pool.query('INSERT INTO projection_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, 0, 2), ($1, $2, 1, 3)', [group, topic]);
  // Kafka's commit for lag monitoring trails the store on partition 0.
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }] });
  const instances = await absentInstance('THALWEG_PROJECTOR_POSTGRES_URL');

  const run = await runThalweg(['projections', 'status', 'ledger', '--group', group, '--topics-dir', dir, '--json'], { env: { THALWEG_DATABASE_URL: database.url, ...instances } });
  assert.equal(run.code, 0, transcript(run));
  const [status] = parse(run).projections;
  assert.equal(status?.name, 'ledger');
  assert.equal(status.group, group);
  assert.equal(status.store.state, 'reachable', transcript(run));
  assert.equal(status.store.backend, 'postgres');

  const { rows } = await database.pool.query<{ partition: number; next_offset: string; updated_at: Date }>('SELECT partition, next_offset, updated_at FROM projection_offsets WHERE group_id = $1 AND topic = $2', [group, topic]);
  const stored = new Map(rows.map((row) => [row.partition, row]));
  const ends = await liveEnds(admin, topic);
  const committed = await liveCommitted(admin, group, topic);
  assert.deepEqual(status.topics.map((entry) => entry.topic), [topic]);
  const partitions = status.topics[0]!.partitions;
  assert.deepEqual(partitions.map((partition) => partition.partition), [...ends.keys()].sort());
  for (const partition of partitions) {
    const row = stored.get(partition.partition);
    const { end, low } = ends.get(partition.partition)!;
    assert.deepEqual(
      partition,
      {
        partition: partition.partition,
        stored: row ? Number(row.next_offset) : null,
        end,
        lag: end - (row ? Number(row.next_offset) : low),
        committed: committed.get(partition.partition) ?? null,
        lastAppliedAt: row ? row.updated_at.toISOString() : null,
      },
      `partition ${partition.partition}\n${transcript(run)}`,
    );
  }
  // What the test produced and stored, seen through the CLI: 5-2, 3-3, and 0 on an empty partition.
  assert.deepEqual(partitions.map((partition) => partition.lag), [3, 0, 0]);
  assert.equal(status.lag, 3);
  assert.equal(status.readiness.source, 'THALWEG_PROJECTOR_POSTGRES_URL');
  assert.deepEqual(status.readiness.instances.map((instance) => [instance.url, instance.state]), [[instances.THALWEG_PROJECTOR_POSTGRES_URL, 'unreachable']]);

  const text = await runThalweg(['projections', 'status', 'ledger', '--group', group, '--topics-dir', dir], { env: { THALWEG_DATABASE_URL: database.url, ...instances } });
  assert.equal(text.code, 0, transcript(text));
  assert.match(text.stdout, new RegExp(`${topic.replaceAll('.', '\\.')} +0 +2 +5 +3 +1 +\\d{4}-`), transcript(text));
  assert.match(text.stdout, /unreachable/, transcript(text));
});

test('projections status reads the identity projection’s offsets from its MongoDB store', async (t) => {
  const admin = await testAdmin(t);
  const { topic, dir } = await projectedTopic(t, admin, 'projector-mongo', [4, 2]);
  const group = testGroup(t, admin);
  const { name, db } = await createTestMongoDatabase(t, 'projections_status');
  const appliedAt = new Date();
  const offsets = db.collection<{ _id: string; group: string; topic: string; partition: number; nextOffset: number; updatedAt: Date }>(projectionOffsetsCollection);
  await offsets.insertMany(
    [
      { partition: 0, nextOffset: 4 },
      { partition: 1, nextOffset: 1 },
    ].map(({ partition, nextOffset }) => ({ _id: offsetDocumentId(group, topic, partition), group, topic, partition, nextOffset, updatedAt: appliedAt })),
  );
  const url = new URL(testStack.mongodbUrl);
  url.pathname = `/${name}`;

  const run = await runThalweg(['projections', 'status', 'identity', '--group', group, '--topics-dir', dir, '--json'], { env: { THALWEG_MONGODB_URL: url.toString(), ...(await absentInstance('THALWEG_PROJECTOR_MONGO_URL')) } });
  assert.equal(run.code, 0, transcript(run));
  const [status] = parse(run).projections;
  assert.equal(status?.store.state, 'reachable', transcript(run));
  assert.equal(status.store.backend, 'mongodb');
  const documents = await offsets.find({ group, topic }).toArray();
  const ends = await liveEnds(admin, topic);
  for (const partition of status.topics[0]!.partitions) {
    const document = documents.find((candidate) => candidate.partition === partition.partition)!;
    assert.equal(partition.stored, Number(document.nextOffset));
    assert.equal(partition.end, ends.get(partition.partition)!.end);
    assert.equal(partition.lag, ends.get(partition.partition)!.end - Number(document.nextOffset));
    assert.equal(partition.lastAppliedAt, document.updatedAt.toISOString());
    assert.equal(partition.committed, null, 'the group committed nothing to Kafka');
  }
  assert.deepEqual(status.topics[0]!.partitions.map((partition) => partition.lag), [0, 1]);
});

test('a projection store that cannot be reached is shown as unreachable and the status fails (exit 1)', async (t) => {
  const admin = await testAdmin(t);
  const { topic, dir } = await projectedTopic(t, admin, 'projector-mongo', [2]);
  const group = testGroup(t, admin);
  const down = `mongodb://127.0.0.1:${await freePort()}/thalweg`;
  const env = { THALWEG_MONGODB_URL: down, ...(await absentInstance('THALWEG_PROJECTOR_MONGO_URL')) };

  const run = await runThalweg(['projections', 'status', 'identity', '--group', group, '--topics-dir', dir, '--json'], { env });
  assert.equal(run.code, 1, transcript(run));
  const [status] = parse(run).projections;
  assert.equal(status?.store.state, 'unreachable', transcript(run));
  assert.ok(status.store.error, 'the store error is named');
  // Kafka's side still answers: the end offsets are shown, the lag is unknown without the store.
  const ends = await liveEnds(admin, topic);
  assert.deepEqual(
    status.topics[0]!.partitions.map(({ partition, stored, end, lag }) => ({ partition, stored, end, lag })),
    [{ partition: 0, stored: null, end: ends.get(0)!.end, lag: null }],
  );

  const text = await runThalweg(['projections', 'status', 'identity', '--group', group, '--topics-dir', dir], { env });
  assert.equal(text.code, 1, transcript(text));
  assert.match(text.stdout, new RegExp(`store: mongodb ${down.replaceAll('.', '\\.')} \\(THALWEG_MONGODB_URL\\): UNREACHABLE`), transcript(text));
});

test('projections status of a running projector: its instance ready, its store’s offsets at Kafka’s end once it has caught up', { timeout: 180_000 }, async (t) => {
  const admin = await testAdmin(t);
  const topics = loadTopicSpecs().consumedBy('projector-mongo');
  // The group's name starts with the service's: its principal may use only groups prefixed so.
  const group = await createTestConsumerGroup(t, admin, { prefix: 'projector-mongo-status', topics });
  const { name, db } = await createTestMongoDatabase(t, 'projections_status');
  const url = new URL(testStack.mongodbUrl);
  url.pathname = `/${name}`;
  const projector = await startServiceProcess(t, 'projector-mongo', {
    THALWEG_KAFKA_BROKERS: testStack.brokers.join(','),
    THALWEG_REGISTRY_URL: testStack.registryUrl,
    THALWEG_MONGODB_URL: url.toString(),
    THALWEG_CONSUMER_GROUP: group,
    THALWEG_LOG_LEVEL: 'warn',
  });
  const env = { THALWEG_MONGODB_URL: url.toString(), THALWEG_PROJECTOR_MONGO_URL: projector.url };
  const offsets = db.collection<{ topic: string; partition: number; nextOffset: number; updatedAt: Date }>(projectionOffsetsCollection);
  // One event of the test's own, so the shared topic has something to project whichever tests ran before.
  const publisher = createPublisher({ kafka: testKafka(), registry: createSchemaRegistryClient({ url: testStack.registryUrl }), schemas: loadSchemaCatalog(), topics: loadTopicSpecs(), source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());
  const userId = crypto.randomUUID();
  await publisher.publish({ type: 'thalweg.identity.UserRegistered', subject: userId, tenant: 'acme', data: { userId, tenantId: 'acme', email: `status-${userId}@example.test`, name: 'Status', country: 'FR', registeredAt: new Date() } });

  // The projector keeps applying whatever arrives meanwhile: wait for a run that agrees with the
  // store and Kafka as read right after it, with nothing left to apply.
  const seen = await waitFor(
    async () => {
      const run = await runThalweg(['projections', 'status', 'identity', '--group', group, '--json'], { env });
      if (run.code !== 0) return undefined;
      const [status] = parse(run).projections;
      if (status?.lag !== 0 || status.readiness.instances[0]?.state !== 'ready') return undefined;
      for (const topic of status.topics) {
        const stored = new Map((await offsets.find({ group, topic: topic.topic }).toArray()).map((document) => [document.partition, document]));
        const ends = await liveEnds(admin, topic.topic);
        for (const partition of topic.partitions) {
          const document = stored.get(partition.partition);
          if (partition.stored !== (document ? Number(document.nextOffset) : null)) return undefined;
          if (partition.end !== ends.get(partition.partition)?.end) return undefined;
          if (partition.lastAppliedAt !== (document?.updatedAt.toISOString() ?? null)) return undefined;
        }
      }
      return status;
    },
    { timeout: 120_000, interval: 500, description: `projections status of ${group} caught up and agreeing with its store and Kafka` },
  );
  assert.deepEqual(seen.topics.map((topic) => topic.topic), topics);
  assert.equal(seen.readiness.source, 'THALWEG_PROJECTOR_MONGO_URL');
  assert.deepEqual(seen.readiness.instances.map((instance) => [instance.url, instance.state]), [[projector.url, 'ready']]);
  const applied = seen.topics.flatMap((topic) => topic.partitions).filter((partition) => partition.end! > 0);
  assert.ok(applied.length > 0, 'the topic holds events to project');
  for (const partition of applied) assert.ok(partition.lastAppliedAt, `partition ${partition.partition} has a last applied time`);
});

test('projections status reads the search projection’s offsets from its Typesense store, and shows it unreachable once it stops', { timeout: 120_000 }, async (t) => {
  const admin = await testAdmin(t);
  const { topic, dir } = await projectedTopic(t, admin, 'projector-search', [3, 2]);
  const group = testGroup(t, admin);
  const typesense = await startTypesenseProcess(t);
  const offsets = createTypesenseOffsets({ url: typesense.url, apiKey: typesense.apiKey });
  await offsets.init();
  await offsets.write(group, topic, 0, '3');
  const env = { THALWEG_SEARCH_BACKEND: 'typesense', THALWEG_TYPESENSE_URL: typesense.url, THALWEG_TYPESENSE_API_KEY: typesense.apiKey, ...(await absentInstance('THALWEG_PROJECTOR_SEARCH_URL')) };
  const args = ['projections', 'status', 'search', '--group', group, '--topics-dir', dir, '--json'];

  const run = await runThalweg(args, { env });
  assert.equal(run.code, 0, transcript(run));
  const [status] = parse(run).projections;
  assert.equal(status?.store.state, 'reachable', transcript(run));
  assert.equal(status.store.backend, 'typesense');
  const stored = await offsets.read(group, topic);
  const ends = await liveEnds(admin, topic);
  assert.deepEqual(
    status.topics[0]!.partitions.map(({ partition, stored: offset, end, lag }) => ({ partition, stored: offset, end, lag })),
    [...ends].sort(([a], [b]) => a - b).map(([partition, { end, low }]) => ({
      partition,
      stored: stored.has(partition) ? Number(stored.get(partition)) : null,
      end,
      lag: end - (stored.has(partition) ? Number(stored.get(partition)) : low),
    })),
  );
  assert.deepEqual(status.topics[0]!.partitions.map((partition) => partition.lag), [0, 2]);

  await typesense.stop();
  const down = await runThalweg(args, { env });
  assert.equal(down.code, 1, transcript(down));
  assert.equal(parse(down).projections[0]?.store.state, 'unreachable', transcript(down));
});
