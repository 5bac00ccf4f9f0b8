import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPartitionState } from './partition-state.ts';

test('a batch sees its own changes, and the partition sees them only once committed', () => {
  const state = createPartitionState();
  state.restore('wallet:a', { balance: 10 });
  const batch = state.begin();
  batch.view.set('wallet:a', { balance: 4 });
  batch.view.set('wallet:b', { balance: 1 });
  assert.deepEqual(batch.view.get('wallet:a'), { balance: 4 });
  assert.deepEqual(state.get('wallet:a'), { balance: 10 }, 'not before the commit');
  batch.commit();
  assert.deepEqual([state.get('wallet:a'), state.get('wallet:b')], [{ balance: 4 }, { balance: 1 }]);
});

test('an aborted batch leaves the state as it was, and a new batch can begin', () => {
  const state = createPartitionState();
  state.restore('k', 1);
  const batch = state.begin();
  batch.view.set('k', 2);
  batch.view.delete('k');
  assert.equal(batch.view.get('k'), undefined);
  assert.throws(() => state.begin(), /already open/);
  batch.abort();
  assert.equal(state.get('k'), 1);
  assert.throws(() => batch.view.set('k', 3), /ended/);
  state.begin().commit();
});

test('rolling back to a savepoint undoes only the writes after it', () => {
  const state = createPartitionState();
  const batch = state.begin();
  batch.view.set('a', 1);
  const mark = batch.savepoint();
  batch.view.set('a', 2);
  batch.view.set('b', 1);
  batch.view.delete('a');
  batch.rollbackTo(mark);
  assert.deepEqual(batch.changes(), [['a', 1]]);
});

test('changes list each key once with its last value, deletions as null tombstones', () => {
  const state = createPartitionState();
  state.restore('gone', 1);
  const batch = state.begin();
  batch.view.set('kept', 1);
  batch.view.set('kept', 2);
  batch.view.delete('gone');
  assert.deepEqual(batch.changes(), [['kept', 2], ['gone', null]]);
  batch.commit();
  assert.equal(state.get('gone'), undefined);
  assert.equal(state.size, 1);
});

test('a restored tombstone deletes the key; setting undefined is refused', () => {
  const state = createPartitionState();
  state.restore('k', { v: 1 });
  state.restore('k', null);
  assert.equal(state.get('k'), undefined);
  assert.throws(() => state.begin().view.set('k', undefined), /delete it instead/);
});
