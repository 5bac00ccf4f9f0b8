import { ThalwegError } from '../errors/index.ts';
import type { PartitionBatch } from './projection-types.ts';

/**
 * A store's own guard: a batch fetched from past the next offset it holds would leave the events
 * in between unapplied for good, so it is refused (retriable: the runtime seeks back to the
 * store's offset). `stored` is undefined for a partition the store has never applied.
 */
export function refuseGap(batch: PartitionBatch, stored: bigint | undefined): void {
  if (stored === undefined || BigInt(batch.fromOffset) <= stored) return;
  throw new ThalwegError(
    'THALWEG_PROJECTION_GAP',
    `${batch.topic}/${batch.partition}: the batch begins at ${batch.fromOffset} but the store has applied up to ${stored}; the events between were never applied`,
    { details: { topic: batch.topic, partition: batch.partition, fromOffset: batch.fromOffset, storedOffset: String(stored) } },
  );
}
