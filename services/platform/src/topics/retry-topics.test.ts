import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadLetterTopicOf, isRetryTopicName, retryTopicName, retryTopicSource, retryTopicsFor, withRetryTopics } from './retry-topics.ts';

test('a retry topic is named <topic>.<group>.retry and names its topic and group back', () => {
  assert.equal(retryTopicName('ledger.wallets.v1', 'projector-postgres'), 'ledger.wallets.v1.projector-postgres.retry');
  assert.equal(isRetryTopicName('ledger.wallets.v1.projector-postgres.retry'), true);
  assert.equal(isRetryTopicName('ledger.wallets.v1'), false);
  assert.deepEqual(retryTopicSource('ledger.wallets.v1.projector-postgres.retry'), { topic: 'ledger.wallets.v1', group: 'projector-postgres' });
  assert.equal(retryTopicSource('ledger.wallets.v1.projector-postgres.dlq'), undefined);
  assert.throws(() => retryTopicName('ledger.wallets.v1', ''));
});

test("a record that fails again on the retry topic goes to the original topic's dead letter topic", () => {
  assert.equal(deadLetterTopicOf('ledger.wallets.v1', 'projector-postgres'), 'ledger.wallets.v1.projector-postgres.dlq');
  assert.equal(deadLetterTopicOf('ledger.wallets.v1.projector-postgres.retry', 'projector-postgres'), 'ledger.wallets.v1.projector-postgres.dlq');
});

test('a projector taking replays subscribes to its own retry topic of each topic, no other group’s', () => {
  assert.deepEqual(withRetryTopics(['identity.users.v1', 'ledger.wallets.v1'], 'projector-search'), [
    'identity.users.v1',
    'ledger.wallets.v1',
    'identity.users.v1.projector-search.retry',
    'ledger.wallets.v1.projector-search.retry',
  ]);
});

test('each consumer group gets one, with the partitions and replication of its topic and the dead letters’ retention', () => {
  const spec = {
    name: 'ledger.wallets.v1',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2', 'max.message.bytes': '2097152' },
    consumers: [{ group: 'projector-postgres' }, { group: 'projector-search' }],
  };
  const topics = retryTopicsFor(spec);
  assert.deepEqual(topics.map((topic) => topic.name), ['ledger.wallets.v1.projector-postgres.retry', 'ledger.wallets.v1.projector-search.retry']);
  assert.deepEqual(topics[0], {
    name: 'ledger.wallets.v1.projector-postgres.retry',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '2', 'max.message.bytes': '2097152' },
    retryOf: { topic: 'ledger.wallets.v1', group: 'projector-postgres' },
  });
});
