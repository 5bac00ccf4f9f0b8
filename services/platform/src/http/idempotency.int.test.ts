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
