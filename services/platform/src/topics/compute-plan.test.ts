import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePlan, effectiveReplication, isNamed, namedTopicOf } from './compute-plan.ts';
import type { DesiredTopic } from './derived-topic.ts';
import type { ClusterState, CurrentConfig, ExistingTopic, PlanAction } from './plan-types.ts';

const wallets = (overrides: Partial<DesiredTopic> = {}): DesiredTopic => ({
  name: 'ledger.wallets.v1',
  partitions: 6,
  replicationFactor: 3,
  configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2' },
  ...overrides,
});

const dlq = (overrides: Partial<DesiredTopic> = {}): DesiredTopic => ({
  name: 'ledger.wallets.v1.projector-postgres.dlq',
  partitions: 6,
  replicationFactor: 3,
  configs: { 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '2' },
  deadLetterOf: { topic: 'ledger.wallets.v1', group: 'projector-postgres' },
  ...overrides,
});

const changelog = (overrides: Partial<DesiredTopic> = {}): DesiredTopic => ({
  name: 'ledger.wallets.v1.ledger-processor.changelog',
  partitions: 6,
  replicationFactor: 3,
  configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2' },
  changelogOf: { topic: 'ledger.wallets.v1', group: 'ledger-processor' },
  ...overrides,
});

const overrides = (configs: Record<string, string>): Record<string, CurrentConfig> =>
  Object.fromEntries(Object.entries(configs).map(([key, value]) => [key, { value, override: true }]));

function existing(name: string, partitions: number, replicationFactor: number, configs: Record<string, CurrentConfig>): ExistingTopic {
  const assignments = Array.from({ length: partitions }, (_, partition) => Array.from({ length: replicationFactor }, (_, r) => ((partition + r) % 3) + 1));
  return { name, partitions, replicationFactor, assignments, configs };
}

function state(brokers: number, topics: ExistingTopic[] = [], extraNames: string[] = []): ClusterState {
  return {
    brokers: Array.from({ length: brokers }, (_, i) => i + 1),
    topicNames: [...topics.map((topic) => topic.name), ...extraNames].sort(),
    topics: Object.fromEntries(topics.map((topic) => [topic.name, topic])),
  };
}

const summary = (actions: PlanAction[]) => actions.map((action) => `${action.kind} ${action.topic}${action.destructive ? (action.allowed ? ' (destructive, allowed)' : ' (refused)') : ''}`);

test('missing topics and their dead letter topics are created with the declared values on a full cluster', () => {
  const plan = computePlan({ desired: [wallets(), dlq()], state: state(3) });
  assert.deepEqual(summary(plan.actions), ['create-topic ledger.wallets.v1', 'create-topic ledger.wallets.v1.projector-postgres.dlq']);
  const create = plan.actions[0];
  assert.equal(create?.kind, 'create-topic');
  if (create?.kind !== 'create-topic') return;
  assert.equal(create.partitions, 6);
  assert.equal(create.replicationFactor, 3);
  assert.equal(create.configs['min.insync.replicas'], '2');
  assert.deepEqual(plan.notes, []);
});

test('on a smaller cluster RF is capped at the broker count and min ISR at max(1, RF-1), and the plan says so', () => {
  const one = computePlan({ desired: [wallets(), dlq()], state: state(1) });
  for (const action of one.actions) {
    assert.equal(action.kind, 'create-topic');
    if (action.kind !== 'create-topic') continue;
    assert.equal(action.replicationFactor, 1);
    assert.equal(action.configs['min.insync.replicas'], '1');
  }
  assert.equal(one.notes.length, 1);
  assert.match(one.notes[0]!, /ledger\.wallets\.v1: replication factor 3 capped to 1, min\.insync\.replicas 2 capped to 1 \(the cluster has 1 broker/);

  const two = effectiveReplication(wallets(), 2);
  assert.equal(two.replicationFactor, 2);
  assert.equal(two.configs['min.insync.replicas'], '1');

  const noIsr = effectiveReplication(wallets({ configs: {} }), 1);
  assert.deepEqual(noIsr.configs, {}, 'no min ISR is invented');
});

test('a cluster matching the specs plans nothing', () => {
  const current = [
    existing('ledger.wallets.v1', 6, 1, overrides({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' })),
    existing('ledger.wallets.v1.projector-postgres.dlq', 6, 1, overrides({ 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '1' })),
  ];
  assert.deepEqual(computePlan({ desired: [wallets(), dlq()], state: state(1, current) }).actions, []);
});

test('more partitions are added, fewer are refused unless the topic is named', () => {
  const configs = overrides({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' });
  const more = computePlan({ desired: [wallets({ partitions: 8 })], state: state(1, [existing('ledger.wallets.v1', 6, 1, configs)]) });
  assert.deepEqual(summary(more.actions), ['add-partitions ledger.wallets.v1']);
  assert.deepEqual(more.actions[0]?.kind === 'add-partitions' && [more.actions[0].from, more.actions[0].to], [6, 8]);

  const fewer = computePlan({ desired: [wallets({ partitions: 3 })], state: state(1, [existing('ledger.wallets.v1', 6, 1, configs)]) });
  assert.deepEqual(summary(fewer.actions), ['replace-topic ledger.wallets.v1 (refused)']);
  const named = computePlan({ desired: [wallets({ partitions: 3 })], state: state(1, [existing('ledger.wallets.v1', 6, 1, configs)]), allowDestructive: ['ledger.wallets.v1'] });
  assert.deepEqual(summary(named.actions), ['replace-topic ledger.wallets.v1 (destructive, allowed)']);
});

test('naming a topic also allows the destructive changes of its dead letter topics', () => {
  const configs = overrides({ 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '1' });
  const plan = computePlan({
    desired: [dlq({ partitions: 3 })],
    state: state(1, [existing('ledger.wallets.v1.projector-postgres.dlq', 6, 1, configs)]),
    allowDestructive: ['ledger.wallets.v1'],
  });
  assert.deepEqual(summary(plan.actions), ['replace-topic ledger.wallets.v1.projector-postgres.dlq (destructive, allowed)']);
});

test('a replication factor change is destructive and moves replicas', () => {
  const configs = overrides({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2' });
  const current = existing('ledger.wallets.v1', 6, 1, configs);
  const refused = computePlan({ desired: [wallets()], state: state(3, [current]) });
  assert.deepEqual(summary(refused.actions), ['change-replication-factor ledger.wallets.v1 (refused)']);
  const allowed = computePlan({ desired: [wallets()], state: state(3, [current]), allowDestructive: ['ledger.wallets.v1'] });
  const action = allowed.actions[0];
  assert.equal(action?.kind, 'change-replication-factor');
  if (action?.kind !== 'change-replication-factor') return;
  assert.equal(action.allowed, true);
  assert.deepEqual([action.from, action.to], [1, 3]);
  for (const [partition, replicas] of action.assignments.entries()) {
    assert.equal(replicas.length, 3);
    assert.equal(replicas[0], current.assignments[partition]![0], 'the current replica stays first (leader)');
  }
});

test('safe config changes apply; cleanup.policy changes and retention decreases are refused with the rest kept', () => {
  const current = existing('ledger.wallets.v1', 6, 1, overrides({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1', 'segment.ms': '3600000' }));
  const desired = wallets({ configs: { 'cleanup.policy': 'compact', 'retention.ms': '86400000', 'min.insync.replicas': '2', 'max.message.bytes': '2097152' } });
  const plan = computePlan({ desired: [desired], state: state(1, [current]) });
  assert.deepEqual(summary(plan.actions), ['update-configs ledger.wallets.v1', 'update-configs ledger.wallets.v1 (refused)']);
  const [safe, refused] = plan.actions;
  assert.ok(safe?.kind === 'update-configs' && refused?.kind === 'update-configs');
  if (safe?.kind !== 'update-configs' || refused?.kind !== 'update-configs') return;
  assert.deepEqual(safe.changes.map((change) => change.key), ['max.message.bytes', 'segment.ms']);
  assert.equal(safe.changes.find((change) => change.key === 'segment.ms')?.to, undefined, 'an undeclared override is removed');
  // alterConfigs replaces every override: the safe set keeps refused keys at their current values.
  assert.deepEqual(safe.configs, { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1', 'max.message.bytes': '2097152' });
  assert.deepEqual(refused.changes.map((change) => change.key), ['cleanup.policy', 'retention.ms']);
  assert.match(refused.changes[1]!.destructiveReason!, /retention\.ms -1 → 86400000/);
  assert.equal(refused.configs['cleanup.policy'], 'compact');

  const named = computePlan({ desired: [desired], state: state(1, [current]), allowDestructive: ['ledger.wallets.v1'] });
  assert.deepEqual(summary(named.actions), ['update-configs ledger.wallets.v1 (destructive, allowed)']);
});

test('a retention increase is safe', () => {
  const current = existing('ledger.wallets.v1', 6, 1, overrides({ 'cleanup.policy': 'delete', 'retention.ms': '86400000', 'min.insync.replicas': '1' }));
  const plan = computePlan({ desired: [wallets()], state: state(1, [current]) });
  assert.deepEqual(summary(plan.actions), ['update-configs ledger.wallets.v1']);
});

test('undeclared topics are left alone unless named, then deleted; internal topics never', () => {
  const cluster = state(1, [], ['other.thing.v1', '__consumer_offsets']);
  assert.deepEqual(computePlan({ desired: [], state: cluster }).actions, []);
  const plan = computePlan({ desired: [], state: cluster, allowDestructive: ['other.thing.v1', '__consumer_offsets', 'ghost.topic.v1'] });
  assert.deepEqual(summary(plan.actions), ['delete-topic other.thing.v1 (destructive, allowed)']);
  assert.ok(plan.notes.some((note) => /__consumer_offsets: internal topics are never deleted/.test(note)));
  assert.ok(plan.notes.some((note) => /ghost\.topic\.v1: named .* neither declared nor on the cluster/.test(note)));
});

test('a dead letter topic of a group no longer declared is reported, not deleted', () => {
  const configs = overrides({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' });
  const plan = computePlan({ desired: [wallets()], state: state(1, [existing('ledger.wallets.v1', 6, 1, configs)], ['ledger.wallets.v1.old-group.dlq']) });
  assert.deepEqual(plan.actions, []);
  assert.ok(plan.notes.some((note) => note.startsWith('ledger.wallets.v1.old-group.dlq: dead letter topic of a consumer group')));
});

test('a changelog topic is created marked as derived, and only its topic says the replication was capped', () => {
  const plan = computePlan({ desired: [wallets(), dlq(), changelog()], state: state(1) });
  const create = plan.actions[2];
  assert.equal(create?.kind, 'create-topic');
  if (create?.kind !== 'create-topic') return;
  assert.deepEqual(create.changelogOf, { topic: 'ledger.wallets.v1', group: 'ledger-processor' });
  assert.equal(create.deadLetterOf, undefined);
  assert.deepEqual(create.configs, { 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
  assert.equal(plan.notes.length, 1);
  assert.match(plan.notes[0]!, /^ledger\.wallets\.v1: replication factor 3 capped to 1.*; its dead letter and changelog topics likewise$/);
  assert.match(computePlan({ desired: [wallets(), changelog()], state: state(1) }).notes[0]!, /; its changelog topics likewise$/);
});

test('naming a topic also allows the destructive changes of its changelog topics; more partitions there go without a key note', () => {
  const configs = overrides({ 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
  const current = [existing('ledger.wallets.v1.ledger-processor.changelog', 6, 1, configs)];
  const refused = computePlan({ desired: [changelog({ partitions: 3 })], state: state(1, current) });
  assert.deepEqual(summary(refused.actions), ['replace-topic ledger.wallets.v1.ledger-processor.changelog (refused)']);
  const named = computePlan({ desired: [changelog({ partitions: 3 })], state: state(1, current), allowDestructive: ['ledger.wallets.v1'] });
  assert.deepEqual(summary(named.actions), ['replace-topic ledger.wallets.v1.ledger-processor.changelog (destructive, allowed)']);
  const more = computePlan({ desired: [changelog({ partitions: 8 })], state: state(1, current) });
  assert.deepEqual(summary(more.actions), ['add-partitions ledger.wallets.v1.ledger-processor.changelog']);
  assert.deepEqual(more.notes, []);
});

test('a changelog topic of a group no longer declared stateful is reported, not deleted', () => {
  const configs = overrides({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' });
  const declared = wallets({ replicationFactor: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' } });
  const plan = computePlan({ desired: [declared], state: state(1, [existing('ledger.wallets.v1', 6, 1, configs)], ['ledger.wallets.v1.ledger-processor.changelog']) });
  assert.deepEqual(plan.actions, []);
  assert.deepEqual(plan.notes, [
    'ledger.wallets.v1.ledger-processor.changelog: changelog topic of a stateful consumer group ledger.wallets.v1 no longer declares; delete it with --allow-destructive ledger.wallets.v1.ledger-processor.changelog',
  ]);
});

test('a derived topic is named through its source topic or its own name, never another topic', () => {
  const action = { topic: 'ledger.wallets.v1.ledger-processor.changelog', changelogOf: { topic: 'ledger.wallets.v1', group: 'ledger-processor' } };
  assert.equal(namedTopicOf(action), 'ledger.wallets.v1');
  assert.equal(namedTopicOf({ topic: 'ledger.wallets.v1' }), 'ledger.wallets.v1');
  assert.equal(isNamed(action, ['ledger.wallets.v1']), true);
  assert.equal(isNamed(action, ['ledger.wallets.v1.ledger-processor.changelog']), true);
  assert.equal(isNamed(action, ['identity.users.v1']), false);
});
