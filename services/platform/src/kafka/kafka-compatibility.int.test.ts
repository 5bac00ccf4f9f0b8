import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestTopic, readTopic, testAdmin, testKafka, uniqueName, waitFor, onCleanup } from '../testing/index.ts';

// KafkaJS 2.2.4 predates Kafka 4, which dropped old protocol versions (KIP-896). These tests prove
// every API Thalweg relies on still negotiates with the broker the stack runs.

test('the broker is Kafka 4 in KRaft mode and answers KafkaJS admin calls', async (t) => {
  const admin = await testAdmin(t);
  const cluster = await admin.describeCluster();
  assert.ok(cluster.brokers.length >= 1);
  assert.ok(cluster.controller !== null && cluster.controller >= 0);
  const topic = await createTestTopic(t, admin, { prefix: 'compat', partitions: 2 });
  const [resource] = (await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false })).resources;
  assert.ok(resource!.configEntries.some((entry) => entry.configName === 'cleanup.policy'));
  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(metadata.topics[0]!.partitions.length, 4);
});

test('idempotent produce with acks=all, group consume, offset commit and fetch work', async (t) => {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const topic = await createTestTopic(t, admin, { prefix: 'compat', partitions: 3 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  const sent = await producer.send({ topic, acks: -1, messages: Array.from({ length: 30 }, (_, index) => ({ key: `k${index % 5}`, value: `v${index}` })) });
  assert.ok(sent.every((entry) => entry.errorCode === 0));

  const received = await readTopic(t, kafka, topic, 30);
  assert.deepEqual(received.map((message) => message.value!.toString()).sort(), Array.from({ length: 30 }, (_, index) => `v${index}`).sort());

  const groupId = uniqueName('compat-group');
  const consumer = kafka.consumer({ groupId });
  onCleanup(t, () => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({ autoCommit: false, eachMessage: async () => void (seen += 1) });
  await waitFor(() => seen >= 30, { description: 'group consumption' });
  await consumer.commitOffsets([{ topic, partition: 0, offset: '1' }]);
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  assert.equal(offsets[0]!.partitions.find((entry) => entry.partition === 0)!.offset, '1');
});
