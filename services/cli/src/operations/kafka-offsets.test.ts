import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lagFrom } from './kafka-offsets.ts';

test('lag is what a reader at its next offset has still to read; with no position it starts at the first offset kept', () => {
  assert.equal(lagFrom({ partition: 0, low: 10, end: 25 }, 20), 5);
  assert.equal(lagFrom({ partition: 0, low: 10, end: 25 }, null), 15);
  assert.equal(lagFrom({ partition: 0, low: 10, end: 25 }, 25), 0);
  // A position past the end (a topic re-created under a store that kept its offsets) is not negative lag.
  assert.equal(lagFrom({ partition: 0, low: 0, end: 3 }, 7), 0);
});
