import type { Request } from 'express';
import { decodeConsistencyToken } from '@thalweg/platform/events';

/** Waits for a projection to reach a position; throws when it does not within the bound. */
export interface PositionWaiter {
  waitFor(position: { topic: string; partition: number; offset: string }, timeout: number): Promise<void>;
}

/**
 * Read-your-writes: with a Consistency-Token header, a read is answered only once the projection
 * it reads has applied the token's event (else THALWEG_CONSISTENCY_NOT_REACHED, a 503).
 */
export function readConsistency(position: PositionWaiter, timeout: number) {
  return async (request: Request): Promise<void> => {
    const token = request.header('consistency-token');
    if (token) await position.waitFor(decodeConsistencyToken(token), timeout);
  };
}
