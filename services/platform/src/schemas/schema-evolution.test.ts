import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEvolution, isCompatibilityLevel } from './schema-evolution.ts';

const version = (fields: Array<Record<string, unknown>>) => ({ type: 'record', name: 'WalletOpened', namespace: 'thalweg.ledger', fields });
const v1 = version([{ name: 'walletId', type: 'string' }]);
const v2 = version([{ name: 'walletId', type: 'string' }, { name: 'ownerId', type: 'string', default: '' }]);
// v3 drops ownerId again: fine against v2 (it had a default) and against v1 (never had it).
const v3 = version([{ name: 'walletId', type: 'string' }]);
// v4 adds a required field: old data lacks it.
const v4 = version([{ name: 'walletId', type: 'string' }, { name: 'tenantId', type: 'string' }]);

const previous = [
  { label: 'v1', schema: v1 },
  { label: 'v2', schema: v2 },
];

test('FULL_TRANSITIVE checks both directions against every previous version', () => {
  assert.deepEqual(checkEvolution({ candidate: v3, previous }), []);
  const problems = checkEvolution({ candidate: v4, previous });
  assert.equal(problems.length, 1, 'the same problem against two versions is reported once');
  assert.equal(problems[0]?.direction, 'backward');
  assert.equal(problems[0]?.path, 'WalletOpened.tenantId');
  assert.deepEqual(problems[0]?.versions, ['v1', 'v2']);
});

test('non-transitive levels look at the newest previous version only', () => {
  const history = [
    { label: 'old', schema: version([{ name: 'walletId', type: 'string' }, { name: 'legacy', type: 'int' }]) },
    { label: 'newest', schema: v1 },
  ];
  // Forward against "old" fails (old readers need `legacy`), but FULL only looks at "newest".
  assert.deepEqual(checkEvolution({ candidate: v1, previous: history, level: 'FULL' }), []);
  const transitive = checkEvolution({ candidate: v1, previous: history, level: 'FULL_TRANSITIVE' });
  assert.equal(transitive.length, 1);
  assert.equal(transitive[0]?.direction, 'forward');
  assert.deepEqual(transitive[0]?.versions, ['old']);
});

test('BACKWARD ignores forward problems and FORWARD ignores backward ones', () => {
  assert.equal(checkEvolution({ candidate: v4, previous, level: 'FORWARD_TRANSITIVE' }).length, 0);
  assert.equal(checkEvolution({ candidate: v4, previous, level: 'BACKWARD' }).length, 1);
  const removesRequired = version([]);
  assert.equal(checkEvolution({ candidate: removesRequired, previous, level: 'BACKWARD_TRANSITIVE' }).length, 0);
  assert.equal(checkEvolution({ candidate: removesRequired, previous, level: 'FORWARD' })[0]?.direction, 'forward');
});

test('NONE and a first version have nothing to check', () => {
  assert.deepEqual(checkEvolution({ candidate: v4, previous, level: 'NONE' }), []);
  assert.deepEqual(checkEvolution({ candidate: v4, previous: [] }), []);
});

test('isCompatibilityLevel knows the registry levels only', () => {
  assert.equal(isCompatibilityLevel('FULL_TRANSITIVE'), true);
  assert.equal(isCompatibilityLevel('FULLY'), false);
  assert.equal(isCompatibilityLevel(undefined), false);
});
