import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRebuildProgress, formatRebuildLine } from './rebuild-progress.ts';

const snapshot = (done: number, remaining: number, at: number) => ({ done, remaining, caughtUp: remaining === 0 ? 3 : 1, partitions: 3, at });

test('the rate is over the window of snapshots and the ETA is what remains at that rate', () => {
  const progress = createRebuildProgress(3);
  progress.add(snapshot(0, 1_000, 0));
  assert.equal(progress.rate(), undefined, 'one snapshot says nothing about speed');
  progress.add(snapshot(100, 900, 1_000));
  progress.add(snapshot(300, 700, 2_000));
  assert.equal(progress.rate(), 150);
  progress.add(snapshot(600, 400, 3_000));
  // The first snapshot left the window: (600 - 100) over 2 s.
  assert.equal(progress.rate(), 250);
  assert.equal(progress.etaSeconds(), 1.6);
});

test('the progress line says the share done, the speed and the time left', () => {
  assert.equal(formatRebuildLine(2, snapshot(600, 400, 0), 250, 1.6), 'generation 2: 60% (600 read, 400 to go, 1/3 partitions caught up), 250 events/s, ETA 2 s');
  assert.equal(formatRebuildLine(2, snapshot(0, 0, 0), undefined, undefined), 'generation 2: 100% (0 read, 0 to go, 3/3 partitions caught up), –, ETA –');
  assert.match(formatRebuildLine(2, snapshot(10, 90_000, 0), 100, 900), /ETA 15 min$/);
});
