import { setTimeout as delay } from 'node:timers/promises';
import { ThalwegError } from '../errors/index.ts';
import type { ConsistencyPosition } from '../events/index.ts';

/** Tells whether a projection has applied the event at a position (its stored next offset is past it). */
export type PositionProbe = (position: ConsistencyPosition) => Promise<boolean>;

/**
 * Read-your-writes, whatever the store: polls `applied` until the position is reached or `timeout`
 * passes, then refuses with THALWEG_CONSISTENCY_NOT_REACHED rather than serve data that may be stale.
 */
export async function waitForPosition(applied: PositionProbe, position: ConsistencyPosition, timeout: number, interval: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await applied(position))) {
    if (Date.now() >= deadline) {
      throw new ThalwegError('THALWEG_CONSISTENCY_NOT_REACHED', `the projection has not applied ${position.topic}/${position.partition}@${position.offset} within ${timeout} ms`, {
        details: { headers: { 'Retry-After': '1' } },
      });
    }
    await delay(interval);
  }
}
