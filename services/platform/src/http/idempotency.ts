import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ThalwegError, storeCall } from '../errors/index.ts';
import { idempotencyReplays } from './api-metrics.ts';

export interface IdempotentResponse {
  status: number;
  body: unknown;
}

interface StoredEntry {
  fingerprint: string;
  state: 'pending' | 'done';
  /** Which run holds a pending claim: only it may renew the claim. */
  claim?: string;
  response?: IdempotentResponse;
}

const RENEW_COMMAND = 'thalwegRenewIdempotencyClaim';
// Extends the claim only while it is still this run's: a claim that lapsed and was taken by
// another run is never stretched on its behalf.
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** The script as a command of the client: sent once, then called by its SHA (EVALSHA). */
function renewCommand(redis: Redis): (key: string, entry: string, ttlSeconds: number) => Promise<number> {
  if (!(RENEW_COMMAND in redis)) redis.defineCommand(RENEW_COMMAND, { numberOfKeys: 1, lua: RENEW_SCRIPT });
  const command = (redis as unknown as Record<string, (key: string, entry: string, ttlSeconds: number) => Promise<number>>)[RENEW_COMMAND]!;
  return (key, entry, ttlSeconds) => command.call(redis, key, entry, ttlSeconds);
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\w.:-]{1,255}$/;

/**
 * `Idempotency-Key` handling backed by Redis, so it holds across instances: the first request
 * with a key runs and its answer is kept; a retry gets the same answer; the same key with a
 * different request is refused (422); a retry while the first is still running gets 409.
 * A running request renews its claim (every third of `pendingTtlSeconds`), so a slow publish never
 * lets a retry run the command a second time; a crashed one leaves a claim that lapses.
 */
export function createIdempotency({ redis, ttlSeconds = 86_400, pendingTtlSeconds = 60, prefix = 'thalweg:idempotency' }: {
  redis: Redis;
  ttlSeconds?: number;
  pendingTtlSeconds?: number;
  prefix?: string;
}) {
  const guarded = <T>(call: Promise<T>): Promise<T> => storeCall('idempotency store', call);
  const renew = renewCommand(redis);

  /**
   * Runs `execute` once per (scope, key). `scope` separates tenants and operations;
   * `request` is what must match on a retry (method, path, body).
   */
  async function run(scope: string, key: string, request: unknown, execute: () => Promise<IdempotentResponse>): Promise<IdempotentResponse & { replayed: boolean }> {
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ThalwegError('THALWEG_VALIDATION_FAILED', 'Idempotency-Key: 1-255 characters of letters, digits, . _ : -', {
        fields: [{ field: 'header.Idempotency-Key', message: 'must be 1-255 characters of letters, digits, . _ : -' }],
      });
    }
    const redisKey = `${prefix}:${scope}:${key}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const pending = JSON.stringify({ fingerprint, state: 'pending', claim: randomUUID() } satisfies StoredEntry);
    const claimed = await guarded(redis.set(redisKey, pending, 'EX', pendingTtlSeconds, 'NX'));
    if (claimed !== 'OK') {
      const raw = await guarded(redis.get(redisKey));
      const existing = raw ? (JSON.parse(raw) as StoredEntry) : undefined;
      // The entry expired between the two calls: claim it again.
      if (!existing) return run(scope, key, request, execute);
      if (existing.fingerprint !== fingerprint) {
        throw new ThalwegError('THALWEG_IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key was already used with a different request', {
          fields: [{ field: 'header.Idempotency-Key', message: 'was already used with a different request' }],
        });
      }
      if (existing.state === 'pending' || !existing.response) {
        throw new ThalwegError('THALWEG_IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still in progress', { details: { headers: { 'Retry-After': '1' } } });
      }
      idempotencyReplays.inc();
      return { ...existing.response, replayed: true };
    }
    let response: IdempotentResponse;
    // A renewal that fails (Redis briefly away) is tried again at the next tick; the claim lasts
    // pendingTtlSeconds from the last one that succeeded.
    const renewal = setInterval(() => renew(redisKey, pending, pendingTtlSeconds).catch(() => {}), (pendingTtlSeconds * 1_000) / 3);
    try {
      response = await execute();
    } catch (error) {
      // Only answers are remembered; a failed attempt frees the key so the client can retry.
      await redis.del(redisKey).catch(() => {});
      throw error;
    } finally {
      clearInterval(renewal);
    }
    const done: StoredEntry = { fingerprint, state: 'done', response };
    await guarded(redis.set(redisKey, JSON.stringify(done), 'EX', ttlSeconds));
    return { ...response, replayed: false };
  }

  return { run };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
