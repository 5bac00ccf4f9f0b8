import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reassignReplicas } from './replica-assignment.ts';

test('raising the replication factor keeps current replicas first and spreads new ones', () => {
  const assignments = reassignReplicas({ assignments: [[1], [2], [3], [1]], brokers: [3, 1, 2], replicationFactor: 3 });
  assert.deepEqual(assignments.map((replicas) => replicas[0]), [1, 2, 3, 1]);
  for (const replicas of assignments) assert.deepEqual([...replicas].sort(), [1, 2, 3]);
});

test('lowering it keeps the first (preferred leader) replicas', () => {
  assert.deepEqual(reassignReplicas({ assignments: [[2, 3, 1]], brokers: [1, 2, 3], replicationFactor: 2 }), [[2, 3]]);
});

test('a factor above the broker count is refused', () => {
  assert.throws(() => reassignReplicas({ assignments: [[1]], brokers: [1], replicationFactor: 3 }), /needs 1\.\.1 brokers/);
});
