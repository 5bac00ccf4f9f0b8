import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type LogEntry } from 'kafkajs';
import { createKafka, kafkaErrorType } from '../kafka/index.ts';
import { deleteTopicsAtEnd, devKafkaSasl, onCleanup, revokeAclsAtEnd, testAdmin, testKafka, testStack, uniqueName, waitFor } from '../testing/index.ts';
import { applyPlan } from './apply-plan.ts';
import { changelogTopicName } from './changelog-topics.ts';
import { applyAclChanges, readAcls } from './cluster-acls.ts';
import { deadLetterTopicName } from './dead-letter-topics.ts';
import { aclBindingKey, desiredAcls } from './desired-acls.ts';
import { formatPlan } from './format-plan.ts';
import { planTopics } from './plan-topics.ts';
import { parseTopicSpec } from './topic-spec.ts';

const { ConfigResourceTypes, logLevel } = kafkajs;

/** An admin client, closed when the test ends after the test's topics that exist are deleted. */
async function connectedAdmin(t: TestContext, topics: string[]) {
  const admin = await testAdmin(t);
  deleteTopicsAtEnd(t, admin, topics);
  return admin;
}

const spec = (name: string, configs: Record<string, unknown>, partitions = 2) =>
  parseTopicSpec({ name, description: 'Apply test.', partitions, replicationFactor: 1, configs, eventTypes: ['thalweg.ledger.WalletOpened'] }, `${name}.yaml`);

async function topicConfigs(admin: Awaited<ReturnType<typeof connectedAdmin>>, topic: string) {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  return Object.fromEntries((resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]));
}

test('config changes: safe ones apply, a retention decrease waits until the topic is named', async (t) => {
  const topic = `${uniqueName('it', '')}.configs.v1`;
  const admin = await connectedAdmin(t, [topic]);
  const initial = spec(topic, { 'cleanup.policy': 'delete', 'retention.ms': -1, 'segment.ms': 3_600_000 });
  const created = await applyPlan({ admin, plan: await planTopics({ admin, specs: [initial] }) });
  assert.deepEqual(created.applied.map((action) => action.kind), ['create-topic']);

  // Lower retention (destructive), add max.message.bytes (safe), drop the segment.ms override (safe).
  const next = spec(topic, { 'cleanup.policy': 'delete', 'retention.ms': 86_400_000, 'max.message.bytes': 2_097_152 });
  const plan = await planTopics({ admin, specs: [next] });
  const result = await applyPlan({ admin, plan });
  assert.equal(result.refused.length, 1);
  assert.equal(result.refused[0]?.kind, 'update-configs');
  const afterSafe = await waitFor(async () => {
    const configs = await topicConfigs(admin, topic);
    return configs['max.message.bytes'] === '2097152' ? configs : undefined;
  });
  assert.equal(afterSafe['retention.ms'], '-1', 'the refused retention decrease was not applied');
  assert.notEqual(afterSafe['segment.ms'], '3600000', 'the undeclared override was removed');

  const named = await planTopics({ admin, specs: [next], allowDestructive: [topic] });
  const done = await applyPlan({ admin, plan: named, allowDestructive: [topic] });
  assert.deepEqual(done.refused, []);
  await waitFor(async () => (await topicConfigs(admin, topic))['retention.ms'] === '86400000', { description: 'retention lowered once named' });
  const settled = await waitFor(async () => {
    const replan = await planTopics({ admin, specs: [next] });
    return replan.actions.length === 0 ? replan : undefined;
  });
  assert.deepEqual(settled.actions, []);
});

test('an undeclared topic is deleted only when named', async (t) => {
  const topic = `${uniqueName('it', '')}.orphan.v1`;
  const admin = await connectedAdmin(t, [topic]);
  await applyPlan({ admin, plan: await planTopics({ admin, specs: [spec(topic, {})] }) });
  const untouched = await planTopics({ admin, specs: [] });
  assert.equal(untouched.actions.some((action) => action.topic === topic), false);
  const plan = await planTopics({ admin, specs: [], allowDestructive: [topic] });
  assert.deepEqual(plan.actions.map((action) => `${action.kind} ${action.topic}`), [`delete-topic ${topic}`]);
  await applyPlan({ admin, plan, allowDestructive: [topic] });
  assert.equal((await admin.listTopics()).includes(topic), false);
});

test('lowering partitions re-creates the topic when named', async (t) => {
  const topic = `${uniqueName('it', '')}.replace.v1`;
  const admin = await connectedAdmin(t, [topic]);
  const four = spec(topic, {}, 4);
  await applyPlan({ admin, plan: await planTopics({ admin, specs: [four] }) });
  const two = spec(topic, {});
  const refused = await applyPlan({ admin, plan: await planTopics({ admin, specs: [two] }) });
  assert.deepEqual(refused.refused.map((action) => action.kind), ['replace-topic']);
  const replaced = await applyPlan({ admin, plan: await planTopics({ admin, specs: [two], allowDestructive: [topic] }), allowDestructive: [topic] });
  assert.deepEqual(replaced.applied.map((action) => action.kind), ['replace-topic']);
  await waitFor(async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length === 2, { description: 'two partitions after the replace' });
});

test('ACLs: apply grants what the spec asks, revokes other ALLOW ACLs on its resources, leaves the rest', async (t) => {
  const topic = `${uniqueName('it', '')}.acls.v1`;
  const producer = uniqueName('producer');
  const group = uniqueName('consumer');
  const admin = await connectedAdmin(t, [topic, deadLetterTopicName(topic, group)]);
  const declared = parseTopicSpec(
    { name: topic, description: 'ACL apply test.', partitions: 1, replicationFactor: 1, eventTypes: ['thalweg.ledger.WalletOpened'], producers: [producer], consumers: [{ group }] },
    `${topic}.yaml`,
  );
  const desired = desiredAcls([declared]);
  const intruder = { ...desired.bindings.find((binding) => binding.resourceName === topic)!, principal: `User:${uniqueName('intruder')}`, operation: 'READ' };
  const elsewhere = { ...intruder, resourceName: `${topic}-not-declared` };
  revokeAclsAtEnd(t, admin, [...desired.bindings, intruder, elsewhere]);

  // Create, describe and delete ACLs are the v1 APIs: Kafka 4 no longer serves v0 (KIP-896).
  const created = await applyPlan({ admin, plan: await planTopics({ admin, specs: [declared] }) });
  assert.deepEqual(created.acls.map((change) => change.kind), desired.bindings.map(() => 'grant'));
  const granted = await waitFor(async () => {
    const acls = (await readAcls(admin)) ?? [];
    return desired.bindings.every((binding) => acls.some((acl) => aclBindingKey(acl) === aclBindingKey(binding))) ? acls : undefined;
  }, { description: 'the granted ACLs are on the cluster' });
  assert.ok(granted.some((acl) => acl.patternType === 'PREFIXED' && acl.resourceType === 'GROUP' && acl.resourceName === group));

  await applyAclChanges(admin, [intruder, elsewhere].map((binding) => ({ kind: 'grant', binding })));
  const plan = await waitFor(async () => {
    const next = await planTopics({ admin, specs: [declared] });
    return next.acls.length > 0 ? next : undefined;
  }, { description: 'the extra ACL shows in the plan' });
  assert.deepEqual(plan.acls.map((change) => `${change.kind} ${aclBindingKey(change.binding)}`), [`revoke ${aclBindingKey(intruder)}`]);
  await applyPlan({ admin, plan });
  const after = await waitFor(async () => {
    const acls = (await readAcls(admin)) ?? [];
    return acls.some((acl) => aclBindingKey(acl) === aclBindingKey(intruder)) ? undefined : acls;
  }, { description: 'the extra ACL is revoked' });
  assert.ok(after.some((acl) => aclBindingKey(acl) === aclBindingKey(elsewhere)), 'an ACL on a resource no spec names stays');
  const settled = await waitFor(async () => {
    const replan = await planTopics({ admin, specs: [declared] });
    return replan.acls.length === 0 && replan.actions.length === 0 ? replan : undefined;
  }, { description: 're-plan is empty' });
  assert.match(formatPlan(settled), /No changes/);
});

test('a stateful group: apply creates its compacted changelog, and its principal runs transactions only under its prefix', async (t) => {
  // The stack has SCRAM credentials only for the principals of the repository's specs: borrow one.
  const group = 'projector-postgres';
  const topic = `${uniqueName('it', '')}.stateful.v1`;
  const changelog = changelogTopicName(topic, group);
  const admin = await connectedAdmin(t, [topic, deadLetterTopicName(topic, group), changelog]);
  const declared = parseTopicSpec(
    { name: topic, description: 'Stateful apply test.', partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'delete' }, eventTypes: ['thalweg.ledger.WalletOpened'], consumers: [{ group, stateful: true }] },
    `${topic}.yaml`,
  );
  const plan = await planTopics({ admin, specs: [declared] });
  // Only what this test grants: the group prefix may be the real specs' as well.
  revokeAclsAtEnd(t, admin, plan.acls.filter((change) => change.kind === 'grant').map((change) => change.binding));
  await applyPlan({ admin, plan });

  const { topics: [metadata] } = await admin.fetchTopicMetadata({ topics: [changelog] });
  assert.equal(metadata?.partitions.length, 3, 'the changelog has the partitions of its topic');
  assert.equal((await topicConfigs(admin, changelog))['cleanup.policy'], 'compact');
  await waitFor(async () => ((await readAcls(admin)) ?? []).some((acl) => acl.resourceType === 'TRANSACTIONAL_ID' && acl.resourceName === group), { description: 'the transactional id ACL is read back' });

  // One transaction as the processor runs it: a state change to the changelog and the group's offset, together.
  const offsetsGroup = uniqueName(group);
  onCleanup(t, () => admin.deleteGroups([offsetsGroup]).catch(() => {}));
  // sendOffsets does not retry GROUP_COORDINATOR_NOT_AVAILABLE while a fresh coordinator loads.
  await waitFor(() => admin.fetchOffsets({ groupId: offsetsGroup, topics: [topic] }), { description: 'the group coordinator answers' });
  const processor = testKafka(uniqueName(group), { sasl: devKafkaSasl(group) });
  const producer = processor.producer({ transactionalId: `${group}.${topic}.0`, idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100 } });
  onCleanup(t, () => producer.disconnect());
  await producer.connect();
  const transaction = await producer.transaction();
  const [written] = await transaction.send({ topic: changelog, acks: -1, messages: [{ key: 'wallet-1', value: '{"balance":10}', partition: 0 }] });
  assert.equal(written!.errorCode, 0);
  await transaction.sendOffsets({ consumerGroupId: offsetsGroup, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
  await transaction.commit();
  const [offsets] = await admin.fetchOffsets({ groupId: offsetsGroup, topics: [topic] });
  assert.equal(offsets!.partitions.find((entry) => entry.partition === 0)?.offset, '1', 'the transaction committed the offset');

  // KafkaJS reports a refused transaction coordinator lookup as "coordinator not found" and keeps
  // the broker's reason in its debug log, so the outsider's client records what the broker answered.
  const answers: string[] = [];
  const outsider = createKafka({
    brokers: testStack.brokers,
    clientId: uniqueName(group),
    sasl: devKafkaSasl(group),
    overrides: { logLevel: logLevel.DEBUG, logCreator: () => ({ log }: LogEntry) => void answers.push(kafkaErrorType((log as { error?: unknown }).error) ?? '') },
  }).producer({ transactionalId: uniqueName('outside-prefix'), idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 100 } });
  onCleanup(t, () => outsider.disconnect());
  await outsider.connect();
  const refused = await outsider.transaction().then(() => undefined, (error: unknown) => error);
  assert.ok(refused instanceof Error, 'a transactional id outside the prefix cannot begin a transaction');
  assert.ok([kafkaErrorType(refused), ...answers].includes('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), `the broker refused the transactional id (${String(refused)})`);
});
