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

// Moves a user's KYC state only from the state the decision was taken on, atomically across
// instances: of two concurrent steps from the same state, one wins and the other is a conflict.
const MOVE_KYC_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local user = cjson.decode(raw)
if user.kycState ~= ARGV[1] then return 0 end
user.kycState = ARGV[2]
redis.call('SET', KEYS[1], cjson.encode(user))
return 1`;

/**
 * The command side's user directory, in Redis so every instance shares it, keyed by user id
 * with the owner tenant (whether a caller may touch another tenant's user is the policy's call).
 * An email is claimed per tenant before the UserRegistered event is published.
 */
export function createUserDirectory(redis: Redis, prefix = 'thalweg:user-directory') {
  // A command of the client: the script is sent once, then called by its SHA.
  if (!('thalwegMoveKyc' in redis)) redis.defineCommand('thalwegMoveKyc', { numberOfKeys: 1, lua: MOVE_KYC_SCRIPT });
  const moveKycScript = (redis as unknown as { thalwegMoveKyc(key: string, from: string, to: string): Promise<number> }).thalwegMoveKyc.bind(redis);
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
    /** Moves the KYC state from `from` to `to`; false when the state is no longer `from`. */
    async moveKyc(userId: string, from: KycState, to: KycState): Promise<boolean> {
      return (await storeCall('user directory', moveKycScript(keyOf(userId), from, to))) === 1;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
