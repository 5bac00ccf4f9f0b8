import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preferredWait } from './prefer-wait.ts';

test('Prefer: wait=N is read in seconds among other preferences, and capped', () => {
  assert.equal(preferredWait('wait=5', 30), 5);
  assert.equal(preferredWait('respond-async, wait=10', 30), 10);
  assert.equal(preferredWait('WAIT = "3"', 30), 3);
  assert.equal(preferredWait('wait=600', 30), 30);
});

test('no wait, or one that cannot be read, is no wait', () => {
  for (const header of [undefined, '', 'respond-async', 'wait=soon', 'wait=-1', 'wait=1.5']) assert.equal(preferredWait(header, 30), 0, String(header));
});
