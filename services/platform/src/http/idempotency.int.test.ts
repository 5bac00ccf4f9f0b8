import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isThalwegError } from '../errors/index.ts';
import { createTestRedis, waitFor } from '../testing/index.ts';
import { createIdempotency, type IdempotentResponse } from './idempotency.ts';

test('a run slower than its claim keeps it: retries meanwhile are 409 in progress, never a second run', { timeout: 20_000 }, async (t) => {
  const { redis, prefix } = createTestRedis(t, 'idempotency');
  const idempotency = createIdempotency({ redis, prefix, pendingTtlSeconds: 1 });
  const request = { path: '/v1/wallets/w/debits', body: { amountMinor: 5 } };
  let runs = 0;
  let finish!: (response: IdempotentResponse) => void;
  const slowCommand = () => {
    runs += 1;
    return new Promise<IdempotentResponse>((resolve) => (finish = resolve));
  };
  const first = idempotency.run('acme:debit', 'key-1', request, slowCommand);
  const quickCommand = async (): Promise<IdempotentResponse> => {
    runs += 1;
    return { status: 202, body: { entryId: 'e-2' } };
  };

  // Retry until well past the one-second claim; each retry must find the first run still going.
  const started = Date.now();
  const retries: string[] = [];
  await waitFor(
    async () => {
      const outcome = await idempotency.run('acme:debit', 'key-1', request, quickCommand).then(
        () => 'ran',
        (error: unknown) => (isThalwegError(error) ? error.code : String(error)),
      );
      retries.push(outcome);
      return Date.now() - started > 3_000;
    },
    { timeout: 10_000, interval: 200, description: 'three claim lifetimes' },
  );
  assert.equal(runs, 1, 'the command ran once');
  assert.deepEqual(new Set(retries), new Set(['THALWEG_IDEMPOTENCY_IN_PROGRESS']));

  finish({ status: 202, body: { entryId: 'e-1' } });
  assert.deepEqual(await first, { status: 202, body: { entryId: 'e-1' }, replayed: false });
  const replay = await idempotency.run('acme:debit', 'key-1', request, quickCommand);
  assert.deepEqual(replay, { status: 202, body: { entryId: 'e-1' }, replayed: true });
  assert.equal(runs, 1);
});

const answer = (entryId: string): IdempotentResponse => ({ status: 202, body: { entryId } });
const codeOf = (error: unknown) => (isThalwegError(error) ? error.code : String(error));

test('the same body with its keys in another order is the same request: a replay, not a 422', async (t) => {
  const { redis, prefix } = createTestRedis(t, 'idempotency');
  const idempotency = createIdempotency({ redis, prefix });
  const first = await idempotency.run('acme:debit', 'key-order', { path: '/v1/w/debits', body: { amountMinor: 5, currency: 'EUR', reference: 'r' } }, async () => answer('e-1'));
  const again = await idempotency.run('acme:debit', 'key-order', { body: { reference: 'r', currency: 'EUR', amountMinor: 5 }, path: '/v1/w/debits' }, async () => answer('e-2'));
  assert.deepEqual([first.replayed, again], [false, { ...answer('e-1'), replayed: true }]);
  await assert.rejects(idempotency.run('acme:debit', 'key-order', { path: '/v1/w/debits', body: { amountMinor: 6, currency: 'EUR', reference: 'r' } }, async () => answer('e-3')), { code: 'THALWEG_IDEMPOTENCY_KEY_REUSED' });
});

test('a run whose claim lapsed and was taken neither frees the key nor overwrites the answer of the run that took it', async (t) => {
  const { redis, prefix } = createTestRedis(t, 'idempotency');
  const idempotency = createIdempotency({ redis, prefix });
  const request = { path: '/v1/w/debits', body: { amountMinor: 5 } };
  const key = `${prefix}:acme:debit:lapsed`;

  // A completes after its claim lapsed (deleted here, as an expiry does) and B took the key and answered.
  let releaseA!: () => void;
  const a = idempotency.run('acme:debit', 'lapsed', request, () => new Promise<IdempotentResponse>((resolve) => (releaseA = () => resolve(answer('from-a')))));
  await waitFor(async () => (await redis.get(key)) !== null, { description: 'A holds the claim' });
  await redis.del(key);
  assert.deepEqual(await idempotency.run('acme:debit', 'lapsed', request, async () => answer('from-b')), { ...answer('from-b'), replayed: false });
  releaseA();
  assert.deepEqual(await a, { ...answer('from-b'), replayed: true }, "A answers with B's stored answer");
  assert.deepEqual(await idempotency.run('acme:debit', 'lapsed', request, async () => answer('from-c')), { ...answer('from-b'), replayed: true }, "B's answer was not overwritten");

  // C fails after its claim lapsed and D took the key: C's failure leaves D's claim alone.
  let failC!: () => void;
  const c = idempotency.run('acme:debit', 'failed', request, () => new Promise<IdempotentResponse>((_resolve, reject) => (failC = () => reject(new Error('publish failed')))));
  const failedKey = `${prefix}:acme:debit:failed`;
  await waitFor(async () => (await redis.get(failedKey)) !== null, { description: 'C holds the claim' });
  await redis.del(failedKey);
  let finishD!: () => void;
  const d = idempotency.run('acme:debit', 'failed', request, () => new Promise<IdempotentResponse>((resolve) => (finishD = () => resolve(answer('from-d')))));
  await waitFor(async () => (await redis.get(failedKey)) !== null, { description: 'D holds the claim' });
  failC();
  await assert.rejects(c, /publish failed/);
  assert.equal(await idempotency.run('acme:debit', 'failed', request, async () => answer('from-e')).catch(codeOf), 'THALWEG_IDEMPOTENCY_IN_PROGRESS', "D's claim is still there");
  finishD();
  assert.deepEqual(await d, { ...answer('from-d'), replayed: false });
});

test('a run whose claim lapsed while another still holds the key answers 409 in progress: only the holder answers for it', async (t) => {
  const { redis, prefix } = createTestRedis(t, 'idempotency');
  const idempotency = createIdempotency({ redis, prefix });
  const request = { body: { amountMinor: 5 } };
  const key = `${prefix}:acme:debit:both`;
  let finishA!: () => void;
  const a = idempotency.run('acme:debit', 'both', request, () => new Promise<IdempotentResponse>((resolve) => (finishA = () => resolve(answer('from-a')))));
  await waitFor(async () => (await redis.get(key)) !== null, { description: 'A holds the claim' });
  await redis.del(key);
  let finishB!: () => void;
  const b = idempotency.run('acme:debit', 'both', request, () => new Promise<IdempotentResponse>((resolve) => (finishB = () => resolve(answer('from-b')))));
  await waitFor(async () => (await redis.get(key)) !== null, { description: 'B holds the claim' });
  finishA();
  assert.equal(await a.catch(codeOf), 'THALWEG_IDEMPOTENCY_IN_PROGRESS');
  finishB();
  assert.deepEqual(await b, { ...answer('from-b'), replayed: false });
});

test('Redis failing to store the answer of a run that has had its effect: the answer is still given, never an error to retry', async (t) => {
  const { redis, prefix } = createTestRedis(t, 'idempotency');
  const idempotency = createIdempotency({ redis, prefix });
  const result = await idempotency.run('acme:debit', 'unstored', { body: {} }, async () => {
    // The command is published; then Redis goes away before the answer is stored.
    redis.disconnect();
    return answer('published');
  });
  assert.deepEqual(result, { ...answer('published'), replayed: false });
  await redis.connect();
  // The claim is still pending (it lapses in pendingTtlSeconds): a retry meanwhile is told to wait, not run again.
  assert.equal(await idempotency.run('acme:debit', 'unstored', { body: {} }, async () => answer('again')).catch(codeOf), 'THALWEG_IDEMPOTENCY_IN_PROGRESS');
});
