import type { Batch } from 'kafkajs';

/**
 * Where the consumer fetched a batch from: KafkaJS's own record on its Batch (not in its typings).
 * Control records and aborted records before the first message count, so this, not the first
 * message's offset, is what tells whether a batch follows on from the last one.
 */
export function fetchedOffset(batch: Batch): string {
  return (batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset()!;
}
