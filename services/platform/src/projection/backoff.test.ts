import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.ts';

test('backoff grows exponentially between half and the full ceiling', () => {
  assert.equal(backoffDelay(1, { initial: 100, random: () => 0 }), 50);
  assert.equal(backoffDelay(1, { initial: 100, random: () => 1 }), 100);
  assert.equal(backoffDelay(3, { initial: 100, random: () => 1 }), 400);
});

test('backoff is capped', () => {
  assert.equal(backoffDelay(30, { initial: 100, max: 5_000, random: () => 1 }), 5_000);
});
