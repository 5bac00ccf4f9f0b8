import type { Redis } from 'ioredis';
import { storeCall } from '@thalweg/platform/errors';

/** What a directory entry holds while its creation is being published. */
const RESERVED = JSON.stringify({ reserved: true });

/**
 * Aggregate ids held for the one request that creates them, in Redis so every instance shares
 * them: of two concurrent creations with one id, exactly one gets to publish. A reservation lapses
 * after `ttlSeconds` should its holder crash before publishing; the holder overwrites it with the
 * directory entry once the creation is on the log, or releases it when the publish fails.
 */
export function createIdReservations(redis: Redis, store: string, ttlSeconds = 300) {
  return {
    /** True when this request now holds the id; false when it exists or another request holds it. */
    async reserve(key: string): Promise<boolean> {
      return (await storeCall(store, redis.set(key, RESERVED, 'EX', ttlSeconds, 'NX'))) === 'OK';
    },
    /** Frees an id whose creation was not published; an entry that replaced the reservation stays. */
    async release(key: string): Promise<void> {
      if ((await storeCall(store, redis.get(key))) === RESERVED) await storeCall(store, redis.del(key));
    },
    /** A raw directory value that is only a reservation: the aggregate is not on the log yet. */
    isReservation: (raw: string | null): boolean => raw === RESERVED,
  };
}
