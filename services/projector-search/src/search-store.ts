import { ThalwegError } from '@thalweg/platform/errors';
import { refuseGap, rejection, type ApplyResult, type PartitionBatch, type OffsetKeepingStore, type RejectedRecord } from '@thalweg/platform/projection';
import type { SearchIndex, UpsertOutcome } from '@thalweg/platform/search';
import type { SearchHandler, SearchOperation } from './search-projection.ts';
import type { SearchOffsets } from './search-offsets.ts';

export interface SearchStoreOptions {
  index: SearchIndex;
  handler: SearchHandler;
  offsets: SearchOffsets;
}

/** An operation with the record (its place in the batch) it projects. */
interface PendingOperation {
  record: number;
  operation: SearchOperation;
}


/** Consecutive operations of one kind on one collection: one index call each, in event order. */
function runs(pending: PendingOperation[]): PendingOperation[][] {
  const grouped: PendingOperation[][] = [];
  for (const entry of pending) {
    const current = grouped.at(-1);
    const head = current?.[0]?.operation;
    if (head && head.kind === entry.operation.kind && head.collection === entry.operation.collection) current!.push(entry);
    else grouped.push([entry]);
  }
  return grouped;
}

function write(index: SearchIndex, run: PendingOperation[]): Promise<UpsertOutcome[]> {
  const { kind, collection } = run[0]!.operation;
  if (kind === 'upsert') return index.upsertDocuments(collection, run.map(({ operation }) => (operation as Extract<SearchOperation, { kind: 'upsert' }>).document));
  return index.updateDocuments(collection, run.map(({ operation }) => (operation as Extract<SearchOperation, { kind: 'update' }>).update));
}

/**
 * Projects partition batches into a search index. The batch's documents go in a few bulk calls,
 * in event order; a document the index refuses rejects its event alone, which is dead-lettered
 * while the others stay applied. An index that cannot be reached throws a retriable error and the
 * runtime retries the same batch: upserts and updates set values, so applying it again changes
 * nothing. The next offset is stored after the documents and the dead letters.
 */
export function createSearchStore({ index, handler, offsets }: SearchStoreOptions): OffsetKeepingStore & { init(): Promise<void> } {
  return {
    init: () => offsets.init(),

    readOffsets: (group, topic) => offsets.read(group, topic),

    async apply(batch: PartitionBatch): Promise<ApplyResult> {
      const stored = (await offsets.read(batch.group, batch.topic)).get(batch.partition);
      refuseGap(batch, stored === undefined ? undefined : BigInt(stored));
      // Below the stored offset everything was applied: skipping it only saves the writes.
      const applied = BigInt(stored ?? '0');
      const reasons = new Map<number, ThalwegError>();
      const pending: PendingOperation[] = [];
      const projected: number[] = [];
      batch.records.forEach((record, position) => {
        if (BigInt(record.offset) < applied) return;
        projected.push(position);
        if (record.failure) return void reasons.set(position, record.failure);
        try {
          // The handler is pure: whatever it throws, it would throw again, so the event is rejected.
          for (const operation of handler(record.event)) pending.push({ record: position, operation });
        } catch (error) {
          reasons.set(position, rejection(error));
        }
      });
      for (const run of runs(pending)) {
        const outcomes = await write(index, run);
        outcomes.forEach((outcome, at) => {
          const { record, operation } = run[at]!;
          if (!outcome.ok && !reasons.has(record)) {
            reasons.set(record, new ThalwegError('THALWEG_EVENT_REJECTED', `${operation.collection}/${outcome.id} refused by the search index: ${outcome.reason}`));
          }
        });
      }
      const rejected: RejectedRecord[] = [...reasons].sort(([a], [b]) => a - b).map(([position, error]) => {
        const record = batch.records[position]!;
        return { offset: record.offset, message: record.message, error };
      });
      await batch.deadLetter(rejected);
      await offsets.write(batch.group, batch.topic, batch.partition, batch.nextOffset);
      return { applied: projected.length - rejected.length, rejected: rejected.length };
    },
  };
}
