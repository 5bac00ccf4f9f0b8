import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlan } from './format-plan.ts';
import type { AclBinding } from './plan-types.ts';

const binding = (overrides: Partial<AclBinding>): AclBinding => ({
  resourceType: 'TOPIC',
  patternType: 'LITERAL',
  resourceName: 'ledger.wallets.v1',
  principal: 'User:command-api',
  host: '*',
  operation: 'WRITE',
  permission: 'ALLOW',
  ...overrides,
});

test('ACL grants and revocations are shown with the plan and counted', () => {
  const text = formatPlan({
    brokerCount: 1,
    actions: [],
    notes: [],
    acls: [
      { kind: 'grant', binding: binding({}) },
      { kind: 'grant', binding: binding({ resourceType: 'GROUP', patternType: 'PREFIXED', resourceName: 'projector-postgres', principal: 'User:projector-postgres', operation: 'READ' }) },
      { kind: 'revoke', binding: binding({ principal: 'User:intruder', operation: 'READ' }) },
    ],
  });
  assert.doesNotMatch(text, /No changes/);
  assert.match(text, /^ {2}\+ grant User:command-api WRITE on topic ledger\.wallets\.v1$/m);
  assert.match(text, /^ {2}\+ grant User:projector-postgres READ on groups prefixed projector-postgres$/m);
  assert.match(text, /^ {2}- revoke User:intruder READ on topic ledger\.wallets\.v1 {2}\(no spec asks for it\)$/m);
  assert.match(text, /^ACLs: 2 to grant, 1 to revoke\.$/m);
  assert.doesNotMatch(text, /^Plan:/m, 'no topic actions, no topic summary');
});

test('transactional id ACLs read as words', () => {
  const text = formatPlan({
    brokerCount: 1,
    actions: [],
    notes: [],
    acls: [
      { kind: 'grant', binding: binding({ resourceType: 'TRANSACTIONAL_ID', patternType: 'PREFIXED', resourceName: 'ledger-processor', principal: 'User:ledger-processor' }) },
      { kind: 'revoke', binding: binding({ resourceType: 'TRANSACTIONAL_ID', resourceName: 'ledger-processor.ledger.wallets.v1.0', principal: 'User:intruder' }) },
    ],
  });
  assert.match(text, /^ {2}\+ grant User:ledger-processor WRITE on transactional ids prefixed ledger-processor$/m);
  assert.match(text, /^ {2}- revoke User:intruder WRITE on transactional id ledger-processor\.ledger\.wallets\.v1\.0 {2}\(no spec asks for it\)$/m);
});
