import { Long, type CreateIndexesOptions, type Db, type Document, type Filter, type IndexSpecification, type UpdateFilter } from 'mongodb';
import { ThalwegError, storeCall, storeUnavailable } from '../errors/index.ts';
import { isDuplicateKeyError, isPermanentMongoError } from './mongo-errors.ts';
import { refuseGap } from './offset-gap.ts';
import { offsetDocumentId, positionField, projectionOffsetsCollection, type OffsetDocument } from './mongo-offsets.ts';
import type { ApplyResult, PartitionBatch, ProjectedEvent, OffsetKeepingStore, RejectedRecord } from './projection-types.ts';
import { rejection } from './rejection.ts';

/**
 * One document write a handler asks for: an update of operators ($set, $setOnInsert, $inc, $push,
 * ...; docs/mongodb.md lists those both MongoDB and FerretDB apply) on the document with this _id,
 * created when missing. The store adds the position guard. One write per document and event.
 */
export interface MongoOperation {
  collection: string;
  id: string;
  update: Document;
}

/** A pure mapping from an event to the document writes that project it. Throwing rejects the event. */
export type MongoHandler = (event: ProjectedEvent) => MongoOperation[];

/** An index the projection's reads need, created at start-up. */
export interface MongoIndex {
  collection: string;
  key: IndexSpecification;
  options?: CreateIndexesOptions & { name: string };
}

export interface MongoStoreOptions {
  db: Db;
  handler: MongoHandler;
  indexes?: MongoIndex[];
}

/** One guarded write, with the record it projects. */
interface PendingWrite {
  record: number;
  operation: MongoOperation;
  field: string;
  offset: Long;
}


/**
 * One write per document and event (the first would move the document's position past the event
 * and the guard would refuse the second), and every field but the positions, which only the store
 * writes, is the handler's.
 */
function checkOperations(operations: MongoOperation[]): void {
  const documents = new Set(operations.map(({ collection, id }) => `${collection}\u0000${id}`));
  if (documents.size < operations.length) throw new ThalwegError('THALWEG_EVENT_REJECTED', 'the handler wrote one document twice for one event; merge the updates');
  operations.forEach(checkOperation);
}

function checkOperation(operation: MongoOperation): void {
  for (const [operator, fields] of Object.entries(operation.update)) {
    if (!operator.startsWith('$')) throw new ThalwegError('THALWEG_EVENT_REJECTED', `update of ${operation.collection}/${operation.id} is not made of operators`);
    for (const path of Object.keys(fields ?? {})) {
      if (path === '_positions' || path.startsWith('_positions.')) throw new ThalwegError('THALWEG_EVENT_REJECTED', `update of ${operation.collection}/${operation.id} writes _positions, which the store keeps`);
    }
  }
}

/**
 * The write applied only when the document's position for this source is below the event's
 * offset (or absent), and created when the document is missing: replaying an event changes nothing.
 */
function guard({ operation, field, offset }: PendingWrite): { filter: Filter<{ _id: string }>; update: UpdateFilter<{ _id: string }> } {
  const { $set, ...others } = operation.update;
  return {
    filter: { _id: operation.id, [field]: { $not: { $gte: offset } } },
    update: { ...others, $set: { ...($set ?? {}), [field]: offset } },
  };
}

/**
 * Projects partition batches into MongoDB without transactions (FerretDB has none). Every document
 * keeps, per source partition, the offset of the last event applied to it, and a write only matches
 * a document whose position is lower: redelivered and replayed events change nothing, and a batch
 * interrupted half way is completed by its retry. Writes go one at a time in event order, so one
 * document's events apply in order. The group's next offset is
 * stored in `projection_offsets` after the batch's documents and dead letters.
 */
export function createMongoStore({ db, handler, indexes = [] }: MongoStoreOptions): OffsetKeepingStore & { init(): Promise<void> } {
  const offsets = db.collection<OffsetDocument>(projectionOffsetsCollection);

  /**
   * E11000 on a guarded upsert: either the document is already past this event (its filter did not
   * match, so the upsert tried to insert the same _id), or a unique index of the handler refused it.
   */
  async function alreadyApplied({ operation, field, offset }: PendingWrite): Promise<boolean> {
    const found = await db.collection<{ _id: string }>(operation.collection).findOne({ _id: operation.id, [field]: { $gte: offset } }, { projection: { _id: 1 } });
    return found !== null;
  }

  /** One guarded write on its own; returns the rejection when it was refused for the event's own fault. */
  async function writeOne(write: PendingWrite): Promise<ThalwegError | undefined> {
    const { filter, update } = guard(write);
    try {
      await db.collection<{ _id: string }>(write.operation.collection).updateOne(filter, update, { upsert: true });
      return undefined;
    } catch (error) {
      if (isDuplicateKeyError(error) && (await alreadyApplied(write))) return undefined;
      if (isDuplicateKeyError(error) || isPermanentMongoError(error)) return rejection(error);
      throw error;
    }
  }

  /**
   * Runs the writes in event order, one update command each. Not bulk writes: FerretDB 1.24 keeps a
   * PostgreSQL connection for every statement of a multi-statement update that changes an existing
   * document, and a few batches exhaust its pool and hang it (docs/mongodb.md). Returns the records
   * rejected by a write; the rest of a rejected event is not attempted.
   */
  async function write(pending: PendingWrite[]): Promise<Map<number, ThalwegError>> {
    const rejected = new Map<number, ThalwegError>();
    for (const pendingWrite of pending) {
      if (rejected.has(pendingWrite.record)) continue;
      const refused = await writeOne(pendingWrite);
      if (refused) rejected.set(pendingWrite.record, refused);
    }
    return rejected;
  }

  async function storedNextOffset(batch: PartitionBatch): Promise<bigint | undefined> {
    const stored = await offsets.findOne({ _id: offsetDocumentId(batch.group, batch.topic, batch.partition) });
    return stored === null ? undefined : BigInt(String(stored.nextOffset));
  }

  async function attempt(batch: PartitionBatch): Promise<ApplyResult> {
    const stored = await storedNextOffset(batch);
    refuseGap(batch, stored);
    // Below the stored offset everything was applied: skipping it only saves the guarded writes.
    const applied = stored ?? 0n;
    const rejected: RejectedRecord[] = [];
    const pending: PendingWrite[] = [];
    const projected: number[] = [];
    batch.records.forEach((record, index) => {
      if (BigInt(record.offset) < applied) return;
      if (record.failure) {
        rejected.push({ offset: record.offset, message: record.message, error: record.failure });
        return;
      }
      try {
        // The handler is pure: whatever it throws, it would throw again, so the event is rejected.
        const operations = handler(record.event);
        checkOperations(operations);
        const offset = Long.fromString(record.offset);
        const field = positionField(batch.topic, batch.partition);
        for (const operation of operations) pending.push({ record: index, operation, field, offset });
        projected.push(index);
      } catch (error) {
        rejected.push({ offset: record.offset, message: record.message, error: rejection(error) });
      }
    });
    const refused = await write(pending);
    for (const [index, error] of refused) {
      const record = batch.records[index]!;
      rejected.push({ offset: record.offset, message: record.message, error });
    }
    rejected.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    await batch.deadLetter(rejected);
    // $max: an instance still finishing a batch after a rebalance never moves the offset back.
    await offsets.updateOne(
      { _id: offsetDocumentId(batch.group, batch.topic, batch.partition) },
      { $max: { nextOffset: Long.fromString(batch.nextOffset) }, $set: { group: batch.group, topic: batch.topic, partition: batch.partition, updatedAt: new Date() } },
      { upsert: true },
    );
    return { applied: projected.length - refused.size, rejected: rejected.length };
  }

  return {
    /** Creates the offsets index and the projection's own; idempotent, so every start calls it. */
    async init() {
      await storeCall('creating the projection_offsets index', offsets.createIndex({ group: 1, topic: 1 }, { name: 'group_topic' }));
      for (const { collection, key, options } of indexes) {
        await storeCall(`creating index ${options?.name ?? JSON.stringify(key)} on ${collection}`, db.collection(collection).createIndex(key, options));
      }
    },

    async readOffsets(group, topic) {
      const stored = await storeCall('reading projection offsets', offsets.find({ group, topic }).toArray());
      return new Map(stored.map((entry) => [entry.partition, String(entry.nextOffset)]));
    },

    async apply(batch) {
      try {
        return await attempt(batch);
      } catch (error) {
        throw storeUnavailable(error, `applying ${batch.topic}/${batch.partition}`);
      }
    },
  };
}
