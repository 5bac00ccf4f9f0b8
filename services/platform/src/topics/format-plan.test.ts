import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlan } from './format-plan.ts';
import type { TopicPlan } from './plan-types.ts';

test('an empty plan says there is nothing to change', () => {
  assert.match(formatPlan({ brokerCount: 1, actions: [], acls: [], notes: [] }), /No changes: the cluster matches the topic specs\./);
});

test('actions render Terraform-style and refusals say how to ask for them by name', () => {
  const plan: TopicPlan = {
    brokerCount: 1,
    acls: [],
    notes: ['ledger.wallets.v1: replication factor 3 capped to 1'],
    actions: [
      { kind: 'create-topic', topic: 'ledger.wallets.v1.g.dlq', deadLetterOf: { topic: 'ledger.wallets.v1', group: 'g' }, destructive: false, allowed: true, partitions: 6, replicationFactor: 1, configs: { 'retention.ms': '2592000000' } },
      { kind: 'add-partitions', topic: 'ledger.wallets.v1', destructive: false, allowed: true, from: 6, to: 8 },
      {
        kind: 'update-configs',
        topic: 'ledger.wallets.v1',
        destructive: true,
        allowed: false,
        changes: [{ key: 'retention.ms', from: '-1', to: '1000', destructiveReason: 'retention.ms -1 → 1000 deletes records' }],
        configs: { 'retention.ms': '1000' },
      },
      { kind: 'delete-topic', topic: 'old.thing.v1', destructive: true, allowed: true },
    ],
  };
  const text = formatPlan(plan);
  assert.match(text, /^ {2}\+ create ledger\.wallets\.v1\.g\.dlq {2}\(dead letters of group g on ledger\.wallets\.v1\)$/m);
  assert.match(text, /^ {6}partitions = 6$/m);
  assert.match(text, /^ {6}retention\.ms = 2592000000$/m);
  assert.match(text, /^ {2}~ update ledger\.wallets\.v1\n {6}~ partitions: 6 → 8$/m);
  assert.match(text, /^ {2}! refused ledger\.wallets\.v1\n {6}~ retention\.ms: -1 → 1000 {2}\[destructive: retention\.ms -1 → 1000 deletes records\]$/m);
  assert.match(text, /thalweg topics apply --allow-destructive ledger\.wallets\.v1/);
  assert.match(text, /^ {2}- delete old\.thing\.v1/m);
  assert.match(text, /^ {2}\* ledger\.wallets\.v1: replication factor 3 capped to 1$/m);
  assert.match(text, /^Plan: 1 to create, 1 to update, 0 to replace, 1 to delete, 1 refused\.$/m);
});

test('a changelog topic says whose state it holds, and its refusal names the topic it derives from', () => {
  const changelogOf = { topic: 'ledger.wallets.v1', group: 'ledger-processor' };
  const text = formatPlan({
    brokerCount: 1,
    acls: [],
    notes: [],
    actions: [
      { kind: 'create-topic', topic: 'ledger.wallets.v1.ledger-processor.changelog', changelogOf, destructive: false, allowed: true, partitions: 6, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } },
      { kind: 'replace-topic', topic: 'ledger.wallets.v1.ledger-processor.changelog', changelogOf, destructive: true, allowed: false, reasons: ['partitions 6 → 3'], partitions: 3, replicationFactor: 1, configs: {} },
    ],
  });
  assert.match(text, /^ {2}\+ create ledger\.wallets\.v1\.ledger-processor\.changelog {2}\(changelog of stateful group ledger-processor on ledger\.wallets\.v1\)\n {6}partitions = 6\n {6}replication\.factor = 1\n {6}cleanup\.policy = compact$/m);
  assert.match(text, /^ {2}! refused ledger\.wallets\.v1\.ledger-processor\.changelog {2}\(changelog of stateful group ledger-processor on ledger\.wallets\.v1\)$/m);
  assert.match(text, /^ {6}refused: destructive; run `thalweg topics apply --allow-destructive ledger\.wallets\.v1` to do it$/m);
});
