import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { ThalwegError, storeCall } from '../errors/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { idempotencyReplays } from './api-metrics.ts';
import { canonicalJson } from './canonical-json.ts';

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

/**
 * The claim's compare-and-set steps, each a script so that it acts only while the key still holds
 * this run's pending entry (its claim token): a claim that lapsed and was taken by another run is
 * never stretched, released or overwritten on this one's behalf.
 */
const CLAIM_SCRIPTS = {
  // ARGV: the pending entry, the claim's TTL (s).
  thalwegRenewIdempotencyClaim: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0`,
  // ARGV: the pending entry.
  thalwegReleaseIdempotencyClaim: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
  // ARGV: the pending entry, the final entry, its TTL (s).
  thalwegCompleteIdempotencyClaim: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`,
};

type ClaimScript = keyof typeof CLAIM_SCRIPTS;

/** The scripts as commands of the client: each sent once, then called by its SHA (EVALSHA). */
function claimCommands(redis: Redis): Record<ClaimScript, (key: string, ...args: Array<string | number>) => Promise<number>> {
  const commands = redis as unknown as Record<string, (key: string, ...args: Array<string | number>) => Promise<number>>;
  for (const [name, lua] of Object.entries(CLAIM_SCRIPTS)) if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  const bound = (name: ClaimScript) => (key: string, ...args: Array<string | number>) => commands[name]!.call(redis, key, ...args);
  return { thalwegRenewIdempotencyClaim: bound('thalwegRenewIdempotencyClaim'), thalwegReleaseIdempotencyClaim: bound('thalwegReleaseIdempotencyClaim'), thalwegCompleteIdempotencyClaim: bound('thalwegCompleteIdempotencyClaim') };
}

/** Attempts at storing the final answer before it is given up (the answer is still returned). */
const COMPLETE_ATTEMPTS = 4;

const inProgress = () => new ThalwegError('THALWEG_IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still in progress', { details: { headers: { 'Retry-After': '1' } } });

export const IDEMPOTENCY_KEY_PATTERN = /^[\w.:-]{1,255}$/;

/**
 * `Idempotency-Key` handling backed by Redis, so it holds across instances: the first request
 * with a key runs and its answer is kept; a retry gets the same answer; the same key with a
 * different request is refused (422), whatever the order of its body's keys; a retry while the
 * first is still running gets 409. A running request renews its claim (every third of
 * `pendingTtlSeconds`), so a slow publish never lets a retry run the command a second time; a
 * crashed one leaves a claim that lapses. Renewal, release and the final answer are each a
 * compare-and-set on the run's own claim: a run whose claim lapsed and was taken by another can
 * neither free the key under the other nor overwrite the other's answer, and answers with the
 * stored one when there is one.
 */
export function createIdempotency({ redis, ttlSeconds = 86_400, pendingTtlSeconds = 60, prefix = 'thalweg:idempotency', logger }: {
  redis: Redis;
  ttlSeconds?: number;
  pendingTtlSeconds?: number;
  prefix?: string;
  logger?: Logger;
}) {
  const guarded = <T>(call: Promise<T>): Promise<T> => storeCall('idempotency store', call);
  const claims = claimCommands(redis);

  /**
   * Stores the final answer if the claim is still this run's. Redis failing here, after the run
   * has had its effect, must not turn a done run into an error the client retries (it would run
   * again once the claim lapses): the store is tried again briefly, then given up with a warning,
   * and the run's own answer returned.
   */
  async function complete(redisKey: string, pending: string, done: string): Promise<'stored' | 'lost' | 'unstored'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (await claims.thalwegCompleteIdempotencyClaim(redisKey, pending, done, ttlSeconds)) === 1 ? 'stored' : 'lost';
      } catch (error) {
        if (attempt >= COMPLETE_ATTEMPTS) {
          logger?.warn('idempotency: the answer of a completed run could not be stored; a retry after the claim lapses runs again', { key: redisKey, error });
          return 'unstored';
        }
        await delay(100 * 2 ** (attempt - 1));
      }
    }
  }

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
    const fingerprint = createHash('sha256').update(canonicalJson(request)).digest('hex');
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
      if (existing.state === 'pending' || !existing.response) throw inProgress();
      idempotencyReplays.inc();
      return { ...existing.response, replayed: true };
    }
    let response: IdempotentResponse;
    // A renewal that fails (Redis briefly away) is tried again at the next tick; the claim lasts
    // pendingTtlSeconds from the last one that succeeded.
    const renewal = setInterval(() => claims.thalwegRenewIdempotencyClaim(redisKey, pending, pendingTtlSeconds).catch(() => {}), (pendingTtlSeconds * 1_000) / 3);
    try {
      response = await execute();
    } catch (error) {
      // Only answers are remembered; a failed attempt frees the key (if it still holds its claim) so the client can retry.
      await claims.thalwegReleaseIdempotencyClaim(redisKey, pending).catch(() => {});
      throw error;
    } finally {
      clearInterval(renewal);
    }
    const done: StoredEntry = { fingerprint, state: 'done', response };
    if ((await complete(redisKey, pending, JSON.stringify(done))) === 'lost') {
      // The claim lapsed and another run took the key: its answer, once stored, is the answer.
      const raw = await redis.get(redisKey).catch(() => null);
      const other = raw ? (JSON.parse(raw) as StoredEntry) : undefined;
      if (other?.state === 'done' && other.response && other.fingerprint === fingerprint) return { ...other.response, replayed: true };
      logger?.warn('idempotency: the claim lapsed while the run was under way and another run holds the key', { key: redisKey });
      // Only the run that holds the key answers for it: the client's retry gets that run's answer.
      if (other) throw inProgress();
    }
    return { ...response, replayed: false };
  }

  return { run };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
