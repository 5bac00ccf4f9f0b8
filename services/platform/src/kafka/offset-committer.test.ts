import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Offsets } from 'kafkajs';
import { createOffsetCommitter } from './offset-committer.ts';

/** A commit whose sends the test settles one by one, recording what each carried. */
function heldCommits() {
  const sent: Offsets[] = [];
  const releases: Array<() => void> = [];
  const commit = (offsets: Offsets) => {
    sent.push(offsets);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = async () => {
    releases.shift()!();
    // Lets the committer see the settled send and start its next one.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { sent, commit, releaseNext };
}

const entry = (topic: string, partition: number, offset: string) => ({ topic, partition, offset });

test('one commit in flight at a time; the next carries the newest offset of each partition queued meanwhile', async () => {
  const { sent, commit, releaseNext } = heldCommits();
  const committer = createOffsetCommitter({ onError: () => assert.fail('no commit fails') });
  void committer.commit(entry('t', 0, '1'), commit);
  void committer.commit(entry('t', 0, '2'), commit);
  void committer.commit(entry('t', 1, '7'), commit);
  const third = committer.commit(entry('t', 0, '3'), commit);
  assert.equal(sent.length, 1, 'the later offsets wait for the first commit');
  await releaseNext();
  assert.deepEqual(sent, [
    { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '1' }] }] },
    { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '7' }] }] },
  ]);
  await releaseNext();
  await third;
  await committer.flush();
  assert.equal(sent.length, 2, 'nothing is sent twice');
});

test('an offset queued while the last send is in flight is sent, and its promise waits for it', async () => {
  const { sent, commit, releaseNext } = heldCommits();
  const committer = createOffsetCommitter({ onError: () => {} });
  void committer.commit(entry('t', 0, '1'), commit);
  let settled = false;
  const queued = committer.commit(entry('t', 0, '2'), commit).then(() => (settled = true));
  await releaseNext();
  assert.equal(settled, false, 'not settled before its own send is');
  assert.deepEqual(sent.at(-1), { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '2' }] }] });
  await releaseNext();
  await queued;
  assert.equal(settled, true);
});

test('offsets of partitions no longer assigned are dropped; a failed commit is reported and the next goes on', async () => {
  const errors: unknown[] = [];
  const sent: Offsets[] = [];
  let fail = true;
  const commit = async (offsets: Offsets) => {
    sent.push(offsets);
    if (fail) {
      fail = false;
      throw new Error('REBALANCE_IN_PROGRESS');
    }
  };
  const committer = createOffsetCommitter({ onError: (error) => errors.push(error) });
  const first = committer.commit(entry('t', 0, '5'), commit);
  void committer.commit(entry('t', 1, '9'), commit);
  void committer.commit(entry('u', 0, '4'), commit);
  committer.retain(new Set(['t/0', 'u/0']));
  await first;
  await committer.flush();
  assert.equal(errors.length, 1);
  assert.deepEqual(sent, [
    { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5' }] }] },
    { topics: [{ topic: 'u', partitions: [{ partition: 0, offset: '4' }] }] },
  ]);
});
