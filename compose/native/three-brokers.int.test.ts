import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onCleanup, startThreeBrokerStack, uniqueName, waitFor } from '@thalweg/platform/testing';

// BROKERS=3 is the mode in which brokers are stopped and restarted; it must start cleanly with
// RF 3 / min ISR 2 and keep acknowledged writes flowing with one broker down.
test('BROKERS=3 starts a three-node quorum that keeps producing with one broker down', { timeout: 300_000 }, async (t) => {
  const { kafka, stack } = await startThreeBrokerStack(t, { portOffset: 1_000 });
  const admin = kafka.admin();
  await admin.connect();
  onCleanup(t, () => admin.disconnect());
  assert.equal((await admin.describeCluster()).brokers.length, 3);
  const topic = uniqueName('rf3');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
  const isrSizes = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.map((partition) => partition.isr.length);
  // The new topic's metadata reaches every broker a moment after its leaders are elected.
  await waitFor(async () => (await isrSizes()).join() === '3,3,3', { timeout: 30_000, description: 'every replica in sync' });

  await stack('down', 'kafka-2');
  await waitFor(async () => (await isrSizes()).every((size) => size === 2), { timeout: 60_000, description: 'ISR shrinks to 2' });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  const written = await producer.send({ topic, acks: -1, messages: Array.from({ length: 9 }, (_, index) => ({ key: `k${index}`, value: `v${index}` })) });
  assert.ok(written.every((entry) => entry.errorCode === 0), 'acks=all writes succeed with min ISR 2 of 3');

  await stack('up', 'kafka-2');
  await waitFor(async () => (await isrSizes()).every((size) => size === 3), { timeout: 90_000, description: 'the restarted broker rejoins the ISR' });
});
