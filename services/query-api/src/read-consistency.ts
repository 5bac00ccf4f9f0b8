import type { Request } from 'express';
import { ThalwegError } from '@thalweg/platform/errors';
import { decodeConsistencyToken } from '@thalweg/platform/events';

/** Waits for a projection to reach a position; throws when it does not within the bound. */
export interface PositionWaiter {
  waitFor(position: { topic: string; partition: number; offset: string }, timeout: number): Promise<void>;
}

/**
 * Read-your-writes: with a Consistency-Token header, a read is answered only once the projection
 * it reads has applied the token's event (else THALWEG_CONSISTENCY_NOT_REACHED, a 503). A token of
 * a topic the projection does not read is the client's mistake (400): no wait would ever reach it.
 */
export function readConsistency(position: PositionWaiter, timeout: number, topics: string[]) {
  return async (request: Request): Promise<void> => {
    const token = request.header('consistency-token');
    if (!token) return;
    const target = decodeConsistencyToken(token);
    if (!topics.includes(target.topic)) {
      const message = `is for an event on ${target.topic}; this read follows ${topics.join(', ')}`;
      throw new ThalwegError('THALWEG_CONSISTENCY_TOKEN_INVALID', `Consistency-Token ${message}`, { fields: [{ field: 'header.Consistency-Token', message }] });
    }
    await position.waitFor(target, timeout);
  };
}
