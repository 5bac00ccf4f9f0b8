import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import type { KafkaMessage } from 'kafkajs';
import { ThalwegError, isThalwegError } from '../errors/index.ts';
import { createTestMongoDatabase, freePort, onCleanup, testStack, uniqueName, waitFor } from '../testing/index.ts';
import { createMongoPosition } from './mongo-position.ts';
import { createMongoStore, type MongoHandler } from './mongo-store.ts';
import type { PartitionBatch, ProjectedEvent, ProjectionRecord, RejectedRecord } from './projection-types.ts';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

interface Renamed {
  userId: string;
  name: string;
}

/** A user's name and the offsets that named it, one document per user. */
const handler: MongoHandler = (event) => {
  const { userId, name } = event.data as unknown as Renamed;
  if (name === '') throw new ThalwegError('THALWEG_EVENT_REJECTED', 'a name may not be empty');
  return [{ collection: 'users', id: userId, update: { $set: { name }, $push: { history: name }, $setOnInsert: { firstName: name } } }];
};

function record(topic: string, partition: number, offset: number, data: Renamed): ProjectionRecord {
  const event = { topic, partition, offset: String(offset), key: data.userId, metadata: {} as ProjectedEvent['metadata'], schemaId: 1, data: data as unknown as Record<string, unknown> };
  return { offset: String(offset), message: { offset: String(offset), key: null, value: null, timestamp: '0', attributes: 0, headers: {} } as KafkaMessage, event };
}

function batch(group: string, topic: string, records: ProjectionRecord[], deadLetters: RejectedRecord[] = []): PartitionBatch {
  const last = records.at(-1)!;
  return {
    group,
    topic,
    partition: 0,
    records,
    fromOffset: records[0]!.offset,
    nextOffset: String(Number(last.offset) + 1),
    deadLetter: async (rejected) => {
      deadLetters.push(...rejected);
    },
  };
}

async function storeFixture(t: Parameters<typeof createTestMongoDatabase>[0]) {
  const { db } = await createTestMongoDatabase(t, 'mongo_store');
  const store = createMongoStore({ db, handler, indexes: [{ collection: 'users', key: { name: 1 }, options: { name: 'by_name' } }] });
  await store.init();
  return { db, store, group: uniqueName('group'), topic: `${uniqueName('test')}.users.v1` };
}

test('applies a batch: one document per user, its position and the group offset', async (t) => {
  const { db, store, group, topic } = await storeFixture(t);
  const result = await store.apply(batch(group, topic, [record(topic, 0, 0, { userId: 'u1', name: 'Ada' }), record(topic, 0, 1, { userId: 'u2', name: 'Bob' }), record(topic, 0, 2, { userId: 'u1', name: 'Ada L.' })]));
  assert.deepEqual(result, { applied: 3, rejected: 0 });
  const u1 = await db.collection('users').findOne({ _id: 'u1' as never });
  assert.equal(u1?.name, 'Ada L.');
  assert.equal(u1?.firstName, 'Ada');
  assert.deepEqual(u1?.history, ['Ada', 'Ada L.']);
  assert.deepEqual(await store.readOffsets(group, topic), new Map([[0, '3']]));
  assert.ok((await db.collection('users').indexes()).some((index) => index.name === 'by_name'));
});

test('redelivery changes nothing: the same batch twice, even with the stored offset lost', async (t) => {
  const { db, store, group, topic } = await storeFixture(t);
  const events = [record(topic, 0, 0, { userId: 'u1', name: 'Ada' }), record(topic, 0, 1, { userId: 'u1', name: 'Ada L.' })];
  await store.apply(batch(group, topic, events));
  const before = await db.collection('users').find().toArray();
  await store.apply(batch(group, topic, events));
  // Without the partition offset the per-document guards alone must hold.
  await db.collection('projection_offsets').deleteMany({ group });
  const deadLetters: RejectedRecord[] = [];
  await store.apply(batch(group, topic, events, deadLetters));
  assert.deepEqual(await db.collection('users').find().toArray(), before);
  assert.deepEqual(deadLetters, []);
});

test('an older event after a newer one changes nothing', async (t) => {
  const { db, store, group, topic } = await storeFixture(t);
  await store.apply(batch(group, topic, [record(topic, 0, 5, { userId: 'u1', name: 'Newer' })]));
  await db.collection('projection_offsets').deleteMany({ group });
  await store.apply(batch(group, topic, [record(topic, 0, 3, { userId: 'u1', name: 'Older' })]));
  const u1 = await db.collection('users').findOne({ _id: 'u1' as never });
  assert.equal(u1?.name, 'Newer');
  assert.deepEqual(u1?.history, ['Newer']);
});

test('a rejected event is dead-lettered while the rest of the batch applies and the offset moves on', async (t) => {
  const { db, store, group, topic } = await storeFixture(t);
  const deadLetters: RejectedRecord[] = [];
  // u2 already holds a number where the handler pushes: the write fails for the event's own fault.
  await db.collection('users').insertOne({ _id: 'u2' as never, history: 7 });
  const result = await store.apply(
    batch(group, topic, [record(topic, 0, 0, { userId: 'u1', name: '' }), record(topic, 0, 1, { userId: 'u2', name: 'Bob' }), record(topic, 0, 2, { userId: 'u3', name: 'Cy' })], deadLetters),
  );
  assert.deepEqual(result, { applied: 1, rejected: 2 });
  assert.deepEqual(deadLetters.map((rejected) => [rejected.offset, rejected.error.code]), [['0', 'THALWEG_EVENT_REJECTED'], ['1', 'THALWEG_EVENT_REJECTED']]);
  assert.equal((await db.collection('users').findOne({ _id: 'u3' as never }))?.name, 'Cy');
  assert.deepEqual(await store.readOffsets(group, topic), new Map([[0, '3']]));
});

test('the position waiter answers once the group has applied the position, and refuses past its bound', async (t) => {
  const { db, store, group, topic } = await storeFixture(t);
  const position = createMongoPosition({ db, group });
  await assert.rejects(position.waitFor({ topic, partition: 0, offset: '1' }, 50), (error: ThalwegError) => error.code === 'THALWEG_CONSISTENCY_NOT_REACHED');
  const waiting = position.waitFor({ topic, partition: 0, offset: '1' }, 10_000);
  await store.apply(batch(group, topic, [record(topic, 0, 0, { userId: 'u1', name: 'Ada' }), record(topic, 0, 1, { userId: 'u1', name: 'Ada L.' })]));
  await waiting;
  assert.equal(await position.applied({ topic, partition: 0, offset: '2' }), false);
});

test('a store that cannot be reached fails batches, offsets and positions as retriable', async (t) => {
  const closed = new MongoClient(`mongodb://127.0.0.1:${await freePort()}/thalweg`, { serverSelectionTimeoutMS: 500 });
  onCleanup(t, () => closed.close());
  const unreachable = createMongoStore({ db: closed.db('thalweg'), handler });
  const topic = uniqueName('test');
  await assert.rejects(unreachable.apply(batch('g', topic, [record(topic, 0, 0, { userId: 'u1', name: 'Ada' })])), (error: unknown) => isThalwegError(error) && error.code === 'THALWEG_STORE_UNAVAILABLE' && error.retriable);
  await assert.rejects(unreachable.readOffsets('g', topic), (error: unknown) => isThalwegError(error) && error.retriable);
  await assert.rejects(createMongoPosition({ db: closed.db('thalweg'), group: 'g' }).applied({ topic, partition: 0, offset: '0' }), (error: unknown) => isThalwegError(error) && error.retriable);
});

test('a FerretDB that dies mid-way fails the batch as retriable', async (t) => {
  const port = await freePort();
  const postgres = new URL(testStack.databaseUrl);
  postgres.pathname = '/ferretdb';
  // A private FerretDB of the stack's build on the stack's PostgreSQL database, so the shared
  // FerretDB sees the same documents and drops the test's database at the end.
  const args = ['compose/native/stack.sh', 'run', 'ferretdb', `--listen-addr=127.0.0.1:${port}`, '--handler=postgresql', `--postgresql-url=${postgres}`, '--telemetry=disable', '--debug-addr=-', `--state-dir=${tmpdir()}`];
  // Its own process group: stack.sh runs FerretDB as a child, and both must go.
  const child = spawn('bash', args, { cwd: repoRoot, detached: true, stdio: 'ignore' });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // KILL, not TERM: FerretDB drains open connections on TERM, and the outage is the point.
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    await waitFor(
      () => new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => { socket.destroy(); resolve(false); });
        socket.once('error', () => resolve(true));
      }),
      { timeout: 15_000, interval: 50, description: 'private FerretDB stopped' },
    );
  };
  onCleanup(t, stop);
  const { name } = await createTestMongoDatabase(t, 'private');
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/${name}`, { serverSelectionTimeoutMS: 1_000 });
  onCleanup(t, () => client.close());
  const store = createMongoStore({ db: client.db(name), handler });
  const topic = uniqueName('test');
  // Its start is bash, then the binary's own (it reaches PostgreSQL first): a loaded machine takes a minute.
  await waitFor(() => store.apply(batch('g', topic, [record(topic, 0, 0, { userId: 'u1', name: 'Ada' })])), { timeout: 90_000, interval: 200, description: 'private FerretDB' });
  await stop();
  await assert.rejects(store.apply(batch('g', topic, [record(topic, 0, 1, { userId: 'u1', name: 'Bob' })])), (error: unknown) => isThalwegError(error) && error.code === 'THALWEG_STORE_UNAVAILABLE' && error.retriable);
});
