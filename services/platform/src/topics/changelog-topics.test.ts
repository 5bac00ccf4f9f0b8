import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changelogTopicName, changelogTopicsFor, isChangelogTopicName } from './changelog-topics.ts';
import { isDeadLetterTopicName } from './dead-letter-topics.ts';

test('a changelog topic is named <topic>.<group>.changelog', () => {
  assert.equal(changelogTopicName('ledger.wallets.v1', 'ledger-processor'), 'ledger.wallets.v1.ledger-processor.changelog');
  assert.equal(isChangelogTopicName('ledger.wallets.v1.ledger-processor.changelog'), true);
  assert.equal(isChangelogTopicName('ledger.wallets.v1.ledger-processor.dlq'), false);
  assert.equal(isDeadLetterTopicName('ledger.wallets.v1.ledger-processor.changelog'), false);
  assert.throws(() => changelogTopicName('', 'ledger-processor'));
});

test('each stateful group gets one, compacted, with the partitions, replication, min ISR and message size of its topic', () => {
  const spec = {
    name: 'ledger.wallets.v1',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2', 'max.message.bytes': '2097152', 'compression.type': 'producer' },
    consumers: [{ group: 'projector-postgres' }, { group: 'ledger-processor', stateful: true }, { group: 'projector-search', stateful: false }],
  };
  assert.deepEqual(changelogTopicsFor(spec), [
    {
      name: 'ledger.wallets.v1.ledger-processor.changelog',
      partitions: 6,
      replicationFactor: 3,
      // No retention.ms: the latest record of a key is the state, kept until a tombstone removes it.
      configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2', 'max.message.bytes': '2097152' },
      changelogOf: { topic: 'ledger.wallets.v1', group: 'ledger-processor' },
    },
  ]);
});

test('a topic without min ISR or message size declared gives its changelog only the compact policy', () => {
  const [changelog] = changelogTopicsFor({ name: 'audit.log.v1', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '86400000' }, consumers: [{ group: 'auditor', stateful: true }] });
  assert.deepEqual(changelog?.configs, { 'cleanup.policy': 'compact' });
});
