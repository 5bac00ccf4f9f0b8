import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ThalwegError, storeCall } from '@thalweg/platform/errors';
import type { KycState } from '@thalweg/platform/schemas';
import { createIdReservations } from './id-reservation.ts';

/** What the command side knows of a user to accept commands: its tenant and KYC state. */
export interface UserRecord {
  userId: string;
  tenant: string;
  email: string;
  kycState: KycState;
}

// Begins a KYC step: moves the state only from the state the decision was taken on, and only
// when no other step is still being published, atomically across instances. The step in flight
// (its claim, the state it left, until when it holds) is kept on the user until it ends, so no
// step is ever taken from a state that is not yet on the log. A claim outlives a crashed holder
// by ARGV[4] ms at most. Answers 'ok', 'busy' (a step in flight) or 'moved' (another state).
const BEGIN_KYC_STEP_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 'moved' end
local user = cjson.decode(raw)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if type(user.kycStep) == 'table' and user.kycStep.expiresAt > now then return 'busy' end
if user.kycState ~= ARGV[1] then return 'moved' end
user.kycState = ARGV[2]
user.kycStep = { claim = ARGV[3], from = ARGV[1], expiresAt = now + tonumber(ARGV[4]) }
redis.call('SET', KEYS[1], cjson.encode(user))
return 'ok'`;

// Ends this step (ARGV[1] its claim): keeps the state when published (ARGV[2] = '1'), else puts
// back the state it left. A step whose claim lapsed and was overtaken changes nothing.
const END_KYC_STEP_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local user = cjson.decode(raw)
if type(user.kycStep) ~= 'table' or user.kycStep.claim ~= ARGV[1] then return 0 end
if ARGV[2] ~= '1' then user.kycState = user.kycStep.from end
user.kycStep = nil
redis.call('SET', KEYS[1], cjson.encode(user))
return 1`;

type KycStepOutcome = 'ok' | 'busy' | 'moved';

/**
 * The command side's user directory, in Redis so every instance shares it, keyed by user id
 * with the owner tenant (whether a caller may touch another tenant's user is the policy's call).
 * An email is claimed per tenant before the UserRegistered event is published.
 */
export function createUserDirectory(redis: Redis, prefix = 'thalweg:user-directory', kycStepTimeoutMs = 300_000) {
  // Commands of the client: each script is sent once, then called by its SHA.
  if (!('thalwegBeginKycStep' in redis)) redis.defineCommand('thalwegBeginKycStep', { numberOfKeys: 1, lua: BEGIN_KYC_STEP_SCRIPT });
  if (!('thalwegEndKycStep' in redis)) redis.defineCommand('thalwegEndKycStep', { numberOfKeys: 1, lua: END_KYC_STEP_SCRIPT });
  const scripts = redis as unknown as {
    thalwegBeginKycStep(key: string, from: string, to: string, claim: string, timeoutMs: number): Promise<KycStepOutcome>;
    thalwegEndKycStep(key: string, claim: string, published: string): Promise<number>;
  };
  const keyOf = (userId: string) => `${prefix}:user:${userId}`;
  const emailKey = (tenant: string, email: string) => `${prefix}:email:${tenant}:${email.toLowerCase()}`;
  const reservations = createIdReservations(redis, 'user directory');
  return {
    /** Holds the id for the request registering it; false when the user exists or is being registered. */
    reserve: (userId: string) => reservations.reserve(keyOf(userId)),
    release: (userId: string) => reservations.release(keyOf(userId)),
    /** Claims the email within the tenant for this user id; a 409 when another user holds it. */
    async claimEmail(tenant: string, email: string, userId: string): Promise<void> {
      const claimed = await storeCall('user directory', redis.set(emailKey(tenant, email), userId, 'NX'));
      if (claimed === 'OK') return;
      const holder = await storeCall('user directory', redis.get(emailKey(tenant, email)));
      if (holder !== userId) throw new ThalwegError('THALWEG_CONFLICT', `a user with email ${email.toLowerCase()} is already registered`);
    },
    async releaseEmail(tenant: string, email: string, userId: string): Promise<void> {
      const key = emailKey(tenant, email);
      if ((await storeCall('user directory', redis.get(key))) === userId) await storeCall('user directory', redis.del(key));
    },
    async record(user: UserRecord): Promise<void> {
      await storeCall('user directory', redis.set(keyOf(user.userId), JSON.stringify(user)));
    },
    /** The user, or null when none was registered with this id. */
    async find(userId: string): Promise<UserRecord | null> {
      const raw = await storeCall('user directory', redis.get(keyOf(userId)));
      return raw && !reservations.isReservation(raw) ? (JSON.parse(raw) as UserRecord) : null;
    },
    /**
     * Runs one KYC step: moves the state from `from` to `to` for as long as `publish` runs, and
     * keeps it when `publish` succeeds. A 409 when the state is no longer `from`, or while
     * another step is still being published.
     */
    async kycStep<T>(userId: string, from: KycState, to: KycState, publish: () => Promise<T>): Promise<T> {
      const claim = randomUUID();
      const outcome = await storeCall('user directory', scripts.thalwegBeginKycStep(keyOf(userId), from, to, claim, kycStepTimeoutMs));
      if (outcome === 'busy') throw new ThalwegError('THALWEG_CONFLICT', `another KYC step of user ${userId} is being published; read the user and decide again`);
      if (outcome !== 'ok') throw new ThalwegError('THALWEG_CONFLICT', `the KYC state of user ${userId} changed meanwhile; read it and decide again`);
      let result: T;
      try {
        result = await publish();
      } catch (error) {
        await storeCall('user directory', scripts.thalwegEndKycStep(keyOf(userId), claim, '0'));
        throw error;
      }
      await storeCall('user directory', scripts.thalwegEndKycStep(keyOf(userId), claim, '1'));
      return result;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
