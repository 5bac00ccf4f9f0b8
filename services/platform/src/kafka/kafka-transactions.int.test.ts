import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { kafkaErrorType } from './kafka-error-type.ts';
import { createTestTopic, onCleanup, testAdmin, testKafka, uniqueName, waitFor } from '../testing/index.ts';

// The decision stage rests on Kafka transactions: KafkaJS 2.2.4 speaks the transaction protocol
// that predates Kafka 4's KIP-890, which Kafka 4.1 still serves to older clients. These tests
// prove commit, abort, sendOffsets and fencing against the stack's broker.

async function transactionalProducer(t: TestContext, kafka: Kafka, transactionalId: string) {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100 } });
  onCleanup(t, () => producer.disconnect());
  await producer.connect();
  return producer;
}

/** Everything on the topic that a consumer of the given isolation sees, up to a record with `last` as value. */
async function readUntil(t: TestContext, kafka: Kafka, topic: string, last: string, { readUncommitted = false } = {}): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('txn-reader'), readUncommitted, allowAutoTopicCreation: false });
  onCleanup(t, () => consumer.disconnect());
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  await waitFor(() => seen.some((message) => message.value?.toString() === last), { description: `${last} read from ${topic}` });
  await consumer.disconnect();
  return seen.map((message) => message.value!.toString());
}

test('a committed transaction makes its records and its consumer offsets visible together', async (t) => {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const input = await createTestTopic(t, admin, { prefix: 'txn-in', partitions: 1 });
  const output = await createTestTopic(t, admin, { prefix: 'txn-out', partitions: 2 });
  const group = uniqueName('txn-group');
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const producer = await transactionalProducer(t, kafka, uniqueName('txn-commit'));
  // On a fresh cluster the group coordinator loads __consumer_offsets first, and KafkaJS's
  // sendOffsets does not retry GROUP_COORDINATOR_NOT_AVAILABLE: wait until the coordinator answers.
  await waitFor(() => admin.fetchOffsets({ groupId: group, topics: [input] }), { description: 'the group coordinator answers' });

  const transaction = await producer.transaction();
  const [written] = await transaction.send({ topic: output, acks: -1, messages: [{ key: 'a', value: 'one', partition: 1 }, { key: 'a', value: 'two', partition: 1 }] });
  assert.equal(written!.errorCode, 0);
  assert.equal(written!.partition, 1, 'the produce answer names where the records went, inside the transaction');
  await transaction.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '42' }] }] });
  await transaction.commit();

  assert.deepEqual(await readUntil(t, kafka, output, 'two'), ['one', 'two']);
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [input] });
  assert.equal(offsets!.partitions.find((entry) => entry.partition === 0)!.offset, '42', 'sendOffsets committed the group offset with the transaction');
});

test('an aborted transaction is written but never reaches a read_committed consumer', async (t) => {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const topic = await createTestTopic(t, admin, { prefix: 'txn-abort', partitions: 1 });
  const group = uniqueName('txn-group');
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const producer = await transactionalProducer(t, kafka, uniqueName('txn-abort'));

  const aborted = await producer.transaction();
  await aborted.send({ topic, acks: -1, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
  await aborted.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] });
  await aborted.abort();
  const committed = await producer.transaction();
  await committed.send({ topic, acks: -1, messages: [{ value: 'committed' }] });
  await committed.commit();

  assert.deepEqual(await readUntil(t, kafka, topic, 'committed'), ['committed']);
  assert.deepEqual(await readUntil(t, kafka, topic, 'committed', { readUncommitted: true }), ['aborted-1', 'aborted-2', 'committed'], 'the aborted records are on the log');
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  assert.equal(offsets!.partitions[0]!.offset, '-1', 'the aborted transaction committed no offset');
});

test('a second producer with the same transactional id fences the first: its writes fail and stay invisible', async (t) => {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const topic = await createTestTopic(t, admin, { prefix: 'txn-fence', partitions: 1 });
  const transactionalId = uniqueName('txn-fence');
  const zombie = await transactionalProducer(t, kafka, transactionalId);
  const open = await zombie.transaction();
  await open.send({ topic, acks: -1, messages: [{ value: 'zombie-before' }] });

  // KafkaJS initialises a transactional producer's id when its first transaction begins: that is
  // where the newer owner bumps the epoch and the coordinator aborts the older one's open transaction.
  const owner = await transactionalProducer(t, kafka, transactionalId);
  const fencing = await owner.transaction();
  await fencing.send({ topic, acks: -1, messages: [{ value: 'owner' }] });
  await fencing.commit();

  const late = await open.send({ topic, acks: -1, messages: [{ value: 'zombie-after' }] }).then(() => undefined, (error: unknown) => error);
  const commit = await open.commit().then(() => undefined, (error: unknown) => error);
  const refusals = [late, commit].map(kafkaErrorType);
  assert.ok(refusals.some((type) => type === 'PRODUCER_FENCED' || type === 'INVALID_PRODUCER_EPOCH'), `the zombie is refused (${refusals.join(', ')})`);
  assert.deepEqual(await readUntil(t, kafka, topic, 'owner'), ['owner'], 'nothing the zombie wrote is visible');
});

test('aborted transactions of producers that interleave on a partition never reach a read_committed consumer', async (t) => {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const topic = await createTestTopic(t, admin, { prefix: 'txn-interleaved', partitions: 1 });
  const first = await transactionalProducer(t, kafka, uniqueName('txn-first'));
  const second = await transactionalProducer(t, kafka, uniqueName('txn-second'));
  // The first's transaction begins before the second's and ends after it: the broker lists the
  // aborted transactions by where they end, not where they begin (KafkaJS 2.2.4 assumed the latter).
  const outer = await first.transaction();
  await outer.send({ topic, acks: -1, messages: [{ value: 'first-aborted-1' }] });
  const inner = await second.transaction();
  await inner.send({ topic, acks: -1, messages: [{ value: 'second-aborted' }] });
  await inner.abort();
  await outer.send({ topic, acks: -1, messages: [{ value: 'first-aborted-2' }] });
  await outer.abort();
  const committed = await second.transaction();
  await committed.send({ topic, acks: -1, messages: [{ value: 'committed' }] });
  await committed.commit();

  assert.deepEqual(await readUntil(t, kafka, topic, 'committed'), ['committed']);
  assert.deepEqual(await readUntil(t, kafka, topic, 'committed', { readUncommitted: true }), ['first-aborted-1', 'second-aborted', 'first-aborted-2', 'committed'], 'the aborted records are on the log');
});
