import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadLetterRetentionMs, deadLetterTopicName, deadLetterTopicsFor, isDeadLetterTopicName } from './dead-letter-topics.ts';

test('a dead letter topic is named <topic>.<group>.dlq', () => {
  assert.equal(deadLetterTopicName('ledger.wallets.v1', 'projector-postgres'), 'ledger.wallets.v1.projector-postgres.dlq');
  assert.equal(isDeadLetterTopicName('ledger.wallets.v1.projector-postgres.dlq'), true);
  assert.equal(isDeadLetterTopicName('ledger.wallets.v1'), false);
  assert.throws(() => deadLetterTopicName('ledger.wallets.v1', ''));
});

test('each consumer group gets one, with the partitions and replication of its topic, delete policy and 30 days', () => {
  const spec = {
    name: 'ledger.wallets.v1',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2', 'max.message.bytes': '2097152', 'compression.type': 'producer' },
    consumers: [{ group: 'projector-postgres' }, { group: 'projector-search' }],
  };
  const topics = deadLetterTopicsFor(spec);
  assert.deepEqual(topics.map((topic) => topic.name), ['ledger.wallets.v1.projector-postgres.dlq', 'ledger.wallets.v1.projector-search.dlq']);
  assert.deepEqual(topics[0], {
    name: 'ledger.wallets.v1.projector-postgres.dlq',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '2', 'max.message.bytes': '2097152' },
    deadLetterOf: { topic: 'ledger.wallets.v1', group: 'projector-postgres' },
  });
  assert.equal(deadLetterRetentionMs, 30 * 24 * 3600 * 1000);
});
