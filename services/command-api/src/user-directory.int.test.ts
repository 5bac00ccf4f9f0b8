import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestRedis } from '@thalweg/platform/testing';
import { createUserDirectory } from './user-directory.ts';

async function directoryWithUser(t: TestContext) {
  const { redis, prefix } = createTestRedis(t, 'user-directory');
  const directory = createUserDirectory(redis, prefix);
  const userId = crypto.randomUUID();
  await directory.record({ userId, tenant: 'acme', email: 'k@example.test', kycState: 'submitted' });
  return { directory, userId, state: async () => (await directory.find(userId))!.kycState };
}

/** A publish the test finishes (or fails) when it chooses, once the step has begun it. */
function heldPublish() {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  let begun!: () => void;
  const started = new Promise<void>((resolve) => (begun = resolve));
  const publish = () =>
    new Promise<string>((resolve, reject) => {
      finish = resolve;
      fail = reject;
      begun();
    });
  return { publish, started, finish: (value: string) => finish(value), fail: (error: Error) => fail(error) };
}

const conflict = (pattern: RegExp) => (error: { code?: string; message: string }) => error.code === 'THALWEG_CONFLICT' && pattern.test(error.message);

test('while a KYC step is being published no other step starts, even from the state it moves to', async (t) => {
  const { directory, userId, state } = await directoryWithUser(t);
  const held = heldPublish();
  const first = directory.kycStep(userId, 'submitted', 'in_review', held.publish);
  await held.started;
  await assert.rejects(directory.kycStep(userId, 'in_review', 'approved', async () => 'never'), conflict(/being published/));
  await assert.rejects(directory.kycStep(userId, 'submitted', 'rejected', async () => 'never'), conflict(/being published/));
  held.finish('published');
  assert.equal(await first, 'published');
  assert.equal(await state(), 'in_review');
  assert.equal(await directory.kycStep(userId, 'in_review', 'approved', async () => 'next'), 'next', 'the next step once the first is on the log');
  assert.equal(await state(), 'approved');
  await assert.rejects(directory.kycStep(userId, 'in_review', 'rejected', async () => 'never'), conflict(/changed meanwhile/));
});

test('a KYC step whose publish fails puts the state back and lets the next step start', async (t) => {
  const { directory, userId, state } = await directoryWithUser(t);
  const held = heldPublish();
  const step = directory.kycStep(userId, 'submitted', 'in_review', held.publish);
  await held.started;
  held.fail(new Error('kafka unavailable'));
  await assert.rejects(step, /kafka unavailable/);
  assert.equal(await state(), 'submitted');
  assert.equal(await directory.kycStep(userId, 'submitted', 'rejected', async () => 'retried'), 'retried');
  assert.equal(await state(), 'rejected');
});
