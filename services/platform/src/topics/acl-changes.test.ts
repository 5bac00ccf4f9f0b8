import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeAclChanges } from './acl-changes.ts';
import { desiredAcls } from './desired-acls.ts';
import { parseTopicSpec } from './topic-spec.ts';
import type { AclBinding } from './plan-types.ts';

const wallets = parseTopicSpec(
  { name: 'ledger.wallets.v1', description: 'x', partitions: 3, replicationFactor: 1, eventTypes: ['thalweg.ledger.WalletOpened'], producers: ['command-api'], consumers: [{ group: 'projector-postgres' }] },
  'ledger.wallets.v1.yaml',
);
const desired = desiredAcls([wallets]);

const binding = (overrides: Partial<AclBinding>): AclBinding => ({
  resourceType: 'TOPIC',
  patternType: 'LITERAL',
  resourceName: 'ledger.wallets.v1',
  principal: 'User:someone',
  host: '*',
  operation: 'READ',
  permission: 'ALLOW',
  ...overrides,
});

test('on a cluster without ACLs every desired binding is granted', () => {
  const changes = computeAclChanges({ desired, existing: [] });
  assert.equal(changes.length, desired.bindings.length);
  assert.ok(changes.every((change) => change.kind === 'grant'));
});

test('a cluster that holds exactly the desired bindings needs nothing', () => {
  assert.deepEqual(computeAclChanges({ desired, existing: desired.bindings.map((b) => ({ ...b })) }), []);
});

test('extra ALLOW bindings on the specs’ resources are revoked; DENY bindings and other resources are left alone', () => {
  const extraRead = binding({});
  const extraOnDlq = binding({ resourceName: 'ledger.wallets.v1.projector-postgres.dlq', operation: 'WRITE', principal: 'User:command-api' });
  const extraOnGroup = binding({ resourceType: 'GROUP', resourceName: 'projector-postgres', principal: 'User:command-api' });
  const wider = binding({ operation: 'ALL', principal: 'User:command-api' });
  const deny = binding({ permission: 'DENY' });
  const elsewhere = binding({ resourceName: 'other.topic.v1' });
  const otherPrefix = binding({ patternType: 'PREFIXED', resourceName: 'ledger.' });
  const changes = computeAclChanges({ desired, existing: [...desired.bindings, extraRead, extraOnDlq, extraOnGroup, wider, deny, elsewhere, otherPrefix] });
  assert.ok(changes.every((change) => change.kind === 'revoke'));
  assert.deepEqual(
    changes.map((change) => `${change.binding.principal} ${change.binding.operation} ${change.binding.resourceType} ${change.binding.resourceName}`).sort(),
    [
      'User:command-api ALL TOPIC ledger.wallets.v1',
      'User:command-api READ GROUP projector-postgres',
      'User:command-api WRITE TOPIC ledger.wallets.v1.projector-postgres.dlq',
      'User:someone READ TOPIC ledger.wallets.v1',
    ],
  );
});

test('a binding differing only in host or pattern type is not the desired one', () => {
  const wrongHost = { ...desired.bindings[0]!, host: '10.0.0.1' };
  const changes = computeAclChanges({ desired, existing: [wrongHost] });
  assert.ok(changes.some((change) => change.kind === 'revoke' && change.binding.host === '10.0.0.1'));
  assert.ok(changes.some((change) => change.kind === 'grant' && change.binding.host === '*' && change.binding.operation === wrongHost.operation && change.binding.resourceName === wrongHost.resourceName));
});
