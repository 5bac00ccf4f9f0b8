import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredAcls } from './desired-acls.ts';
import { parseTopicSpec } from './topic-spec.ts';
import type { AclBinding, AclResource } from './plan-types.ts';

const spec = (name: string, producers: string[], groups: Array<string | { group: string; stateful: boolean }>) =>
  parseTopicSpec(
    { name, description: 'ACL test.', partitions: 3, replicationFactor: 1, eventTypes: ['thalweg.ledger.WalletOpened'], producers, consumers: groups.map((group) => (typeof group === 'string' ? { group } : group)) },
    `${name}.yaml`,
  );

const render = (binding: AclBinding) => `${binding.principal} ${binding.operation} ${binding.resourceType} ${binding.patternType} ${binding.resourceName}`;
const renderResource = (resource: AclResource) => `${resource.resourceType} ${resource.patternType} ${resource.resourceName}`;

test('a producer writes and describes its topic; a consumer group reads it, its groups and its dead letter topics by prefix', () => {
  const { bindings } = desiredAcls([spec('ledger.wallets.v1', ['command-api'], ['projector-postgres'])]);
  assert.deepEqual(bindings.map(render).sort(), [
    'User:command-api DESCRIBE TOPIC LITERAL ledger.wallets.v1',
    'User:command-api WRITE TOPIC LITERAL ledger.wallets.v1',
    'User:projector-postgres DESCRIBE TOPIC LITERAL ledger.wallets.v1',
    'User:projector-postgres DESCRIBE TOPIC PREFIXED ledger.wallets.v1.projector-postgres',
    'User:projector-postgres READ GROUP PREFIXED projector-postgres',
    'User:projector-postgres READ TOPIC LITERAL ledger.wallets.v1',
    'User:projector-postgres READ TOPIC PREFIXED ledger.wallets.v1.projector-postgres',
    'User:projector-postgres WRITE TOPIC PREFIXED ledger.wallets.v1.projector-postgres',
  ]);
  assert.ok(bindings.every((binding) => binding.permission === 'ALLOW' && binding.host === '*'));
});

test('the managed resources are every topic, dead letter and retry topic, group and prefix the specs name', () => {
  const { resources } = desiredAcls([spec('ledger.wallets.v1', ['command-api'], ['projector-postgres'])]);
  assert.deepEqual(resources.map(renderResource).sort(), [
    'GROUP LITERAL projector-postgres',
    'GROUP PREFIXED projector-postgres',
    'TOPIC LITERAL ledger.wallets.v1',
    'TOPIC LITERAL ledger.wallets.v1.projector-postgres.dlq',
    'TOPIC LITERAL ledger.wallets.v1.projector-postgres.retry',
    'TOPIC PREFIXED ledger.wallets.v1.projector-postgres',
  ]);
});

test('the group reads its retry topic and writes its dead letter topic through its prefixed topic ACL', () => {
  const { bindings } = desiredAcls([spec('ledger.wallets.v1', [], ['projector-postgres'])]);
  const allows = (topic: string, operation: string) =>
    bindings.some((binding) => binding.principal === 'User:projector-postgres' && binding.resourceType === 'TOPIC' && binding.patternType === 'PREFIXED' && topic.startsWith(binding.resourceName) && binding.operation === operation);
  assert.ok(allows('ledger.wallets.v1.projector-postgres.retry', 'READ'));
  assert.ok(allows('ledger.wallets.v1.projector-postgres.dlq', 'WRITE'));
  assert.equal(allows('ledger.wallets.v1.projector-search.retry', 'READ'), false, "another group's retry topic is not this group's");
});

test('a group reading two topics gets one group ACL; a topic without producers or consumers gets none, yet is managed', () => {
  const { bindings, resources } = desiredAcls([spec('ledger.wallets.v1', [], ['projector-postgres']), spec('ledger.transfers.v1', [], ['projector-postgres']), spec('audit.log.v1', [], [])]);
  assert.equal(bindings.filter((binding) => binding.resourceType === 'GROUP').length, 1);
  assert.equal(bindings.some((binding) => binding.resourceName === 'audit.log.v1'), false);
  assert.ok(resources.some((resource) => resource.resourceName === 'audit.log.v1' && resource.patternType === 'LITERAL'));
});

test('a group name that prefixes another is noted: prefixed ACLs cannot keep them apart', () => {
  const { notes } = desiredAcls([spec('ledger.wallets.v1', [], ['projector', 'projector-postgres'])]);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /group projector's prefixed ACLs also cover group projector-postgres/);
  assert.deepEqual(desiredAcls([spec('ledger.wallets.v1', [], ['projector-postgres', 'projector-mongo'])]).notes, []);
});

test('a stateful group also writes and describes the transactional ids of its prefix; its changelog is managed', () => {
  const plain = desiredAcls([spec('ledger.wallets.v1', [], ['ledger-processor'])]);
  const { bindings, resources } = desiredAcls([spec('ledger.wallets.v1', [], [{ group: 'ledger-processor', stateful: true }])]);
  const added = bindings.map(render).filter((line) => !plain.bindings.map(render).includes(line));
  assert.deepEqual(added.sort(), ['User:ledger-processor DESCRIBE TRANSACTIONAL_ID PREFIXED ledger-processor', 'User:ledger-processor WRITE TRANSACTIONAL_ID PREFIXED ledger-processor']);
  // The changelog needs no ACL of its own: the group's prefixed topic ACL covers it.
  assert.ok(bindings.some((binding) => binding.resourceType === 'TOPIC' && binding.patternType === 'PREFIXED' && 'ledger.wallets.v1.ledger-processor.changelog'.startsWith(binding.resourceName) && binding.operation === 'WRITE'));
  const addedResources = resources.map(renderResource).filter((line) => !plain.resources.map(renderResource).includes(line));
  assert.deepEqual(addedResources.sort(), ['TOPIC LITERAL ledger.wallets.v1.ledger-processor.changelog', 'TRANSACTIONAL_ID PREFIXED ledger-processor']);
  assert.equal(plain.bindings.some((binding) => binding.resourceType === 'TRANSACTIONAL_ID'), false, 'a group that is not stateful runs no transactions');
});

test('a stateful group name that prefixes another is noted with its transactional ids', () => {
  const { notes } = desiredAcls([spec('ledger.wallets.v1', [], [{ group: 'ledger', stateful: true }, 'ledger-processor'])]);
  assert.deepEqual(notes, ["group ledger's prefixed ACLs also cover group ledger-processor, its dead letter, retry and changelog topics and its transactional ids; rename one to keep them apart"]);
});
