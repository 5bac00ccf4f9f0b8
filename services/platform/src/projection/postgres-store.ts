import type pg from 'pg';
import { ThalwegError, isThalwegError, storeCall, storeUnavailable } from '../errors/index.ts';
import type { ApplyResult, PartitionBatch, ProjectedEvent, OffsetKeepingStore, RejectedRecord } from './projection-types.ts';
import { isPermanentPostgresError } from './postgres-errors.ts';
import { rejection } from './rejection.ts';
import { createProjectionOffsetsTable, readProjectionOffsets } from './postgres-offsets.ts';
import { refuseGap } from './offset-gap.ts';

/** One statement a handler asks for. `expect` turns an unexpected row count into a rejection of the event. */
export interface SqlOperation {
  text: string;
  values?: unknown[];
  expect?: { rowCount: number; otherwise: string };
}

/** A pure mapping from an event to the statements that project it. Throwing rejects the event. */
export type PostgresHandler = (event: ProjectedEvent) => SqlOperation[];

/**
 * The set-based form of a handler: a pure mapping from a partition batch's events, in offset
 * order, to a few statements that project them all (one per table, not one per event), with the
 * same result as the handler applied event by event. An `expect` is the row count of the whole
 * batch. Throwing, a count that does not add up, or a data/constraint error says that some event
 * of the batch would be refused: the store then applies that batch event by event with the
 * handler, so exactly the refused events are dead-lettered.
 */
export type PostgresBatchHandler = (events: ProjectedEvent[]) => SqlOperation[];

export interface PostgresStoreOptions {
  pool: pg.Pool;
  handler: PostgresHandler;
  /** Applies a batch in a few statements; without it every event takes its own statements. */
  batchHandler?: PostgresBatchHandler;
}

/** Aborts the fast path of a batch: a rejected event needs the savepoint path. */
class RetryIsolated extends Error {}

/** An event's own fault: a handler's ThalwegError or a data/constraint error from PostgreSQL. */
function isRejection(error: unknown): boolean {
  return isThalwegError(error) || isPermanentPostgresError(error);
}


/**
 * Applies a partition batch and the group's next offset in one transaction, so a batch is
 * either wholly projected with its offset or not at all. Records below the stored offset were
 * applied before and are skipped: redelivery changes nothing. A rejected event is rolled back
 * alone (the batch is redone with a savepoint per event) and dead-lettered while the rest commit.
 * With a batchHandler a batch first takes a few set-based statements; only a batch holding a
 * refused event pays for the per-event path.
 */
export function createPostgresStore({ pool, handler, batchHandler }: PostgresStoreOptions): OffsetKeepingStore & { init(): Promise<void> } {
  /** The stored next offset, row-locked; a partition never applied starts where its first batch does. */
  async function lockOffset(client: pg.PoolClient, batch: PartitionBatch): Promise<bigint> {
    const inserted = await client.query(
      `INSERT INTO projection_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_id, topic, partition) DO NOTHING`,
      [batch.group, batch.topic, batch.partition, batch.fromOffset],
    );
    if (inserted.rowCount === 1) return BigInt(batch.fromOffset);
    // The row lock serialises two instances that briefly own the same partition during a rebalance.
    const { rows } = await client.query<{ next_offset: string }>(
      'SELECT next_offset FROM projection_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE',
      [batch.group, batch.topic, batch.partition],
    );
    return BigInt(rows[0]!.next_offset);
  }

  /** Runs one event's statements; an unexpected row count rejects the event. */
  async function runOperations(client: pg.PoolClient, operations: SqlOperation[]): Promise<void> {
    for (const { text, values, expect } of operations) {
      const result = await client.query(text, values);
      if (expect && result.rowCount !== expect.rowCount) throw new ThalwegError('THALWEG_EVENT_REJECTED', expect.otherwise);
    }
  }

  async function isolated(client: pg.PoolClient, operations: SqlOperation[]): Promise<void> {
    await client.query('SAVEPOINT thalweg_event');
    try {
      await runOperations(client, operations);
      await client.query('RELEASE SAVEPOINT thalweg_event');
    } catch (error) {
      if (isRejection(error)) await client.query('ROLLBACK TO SAVEPOINT thalweg_event');
      throw error;
    }
  }

  /**
   * One attempt at the batch inside an open transaction. The fast path runs events without
   * savepoints (one round trip per statement); the first rejection aborts it with
   * RetryIsolated, and the batch is applied again with a savepoint per event, so only the
   * rejected events are rolled back.
   */
  async function applyRecords(client: pg.PoolClient, batch: PartitionBatch, applied: bigint, withSavepoints: boolean) {
    const rejected: RejectedRecord[] = [];
    let count = 0;
    for (const record of batch.records) {
      if (BigInt(record.offset) < applied) continue;
      if (record.failure) {
        rejected.push({ offset: record.offset, message: record.message, error: record.failure });
        continue;
      }
      let operations: SqlOperation[];
      try {
        // The handler is pure: whatever it throws, it would throw again, so the event is rejected.
        operations = handler(record.event);
      } catch (error) {
        rejected.push({ offset: record.offset, message: record.message, error: rejection(error) });
        continue;
      }
      try {
        if (withSavepoints) await isolated(client, operations);
        else await runOperations(client, operations);
        count += 1;
      } catch (error) {
        if (!isRejection(error)) throw error;
        if (!withSavepoints) throw new RetryIsolated();
        rejected.push({ offset: record.offset, message: record.message, error: rejection(error) });
      }
    }
    return { rejected, count };
  }

  /**
   * The batch in one go: records that failed before reaching the projection are dead-lettered,
   * the others are handed to the set-based handler together. Any sign of a refused event aborts
   * it with RetryIsolated; nothing of it is kept, since the transaction is rolled back.
   */
  async function applySetBased(client: pg.PoolClient, batch: PartitionBatch, applied: bigint, project: PostgresBatchHandler) {
    const rejected: RejectedRecord[] = [];
    const events: ProjectedEvent[] = [];
    for (const record of batch.records) {
      if (BigInt(record.offset) < applied) continue;
      if (record.failure) rejected.push({ offset: record.offset, message: record.message, error: record.failure });
      else events.push(record.event);
    }
    if (events.length === 0) return { rejected, count: 0 };
    let operations: SqlOperation[];
    try {
      operations = project(events);
    } catch {
      // Pure, so it would throw again: the per-event path finds which event it refuses.
      throw new RetryIsolated();
    }
    try {
      await runOperations(client, operations);
    } catch (error) {
      if (isRejection(error)) throw new RetryIsolated();
      throw error;
    }
    return { rejected, count: events.length };
  }

  type Mode = 'set-based' | 'per-event' | 'savepoints';

  async function attempt(client: pg.PoolClient, batch: PartitionBatch, mode: Mode): Promise<ApplyResult> {
    await client.query('BEGIN');
    const applied = await lockOffset(client, batch);
    refuseGap(batch, applied);
    const { rejected, count } =
      mode === 'set-based' && batchHandler ? await applySetBased(client, batch, applied, batchHandler) : await applyRecords(client, batch, applied, mode === 'savepoints');
    await batch.deadLetter(rejected);
    // Never backwards: a batch that an instance which lost the partition held on to (all of it
    // below the stored offset, so skipped) must not undo the new owner's progress. Never across a
    // gap either: refuseGap has seen that the batch follows on from the stored offset.
    await client.query(
      'UPDATE projection_offsets SET next_offset = GREATEST(next_offset, $4), updated_at = now() WHERE group_id = $1 AND topic = $2 AND partition = $3',
      [batch.group, batch.topic, batch.partition, batch.nextOffset],
    );
    await client.query('COMMIT');
    return { applied: count, rejected: rejected.length };
  }

  return {
    init: () => createProjectionOffsetsTable(pool),
    readOffsets: (group, topic) => readProjectionOffsets(pool, group, topic),

    async apply(batch): Promise<ApplyResult> {
      const client = await storeCall('connecting to PostgreSQL', pool.connect());
      let broken = false;
      try {
        try {
          return await attempt(client, batch, batchHandler ? 'set-based' : 'per-event');
        } catch (error) {
          if (!(error instanceof RetryIsolated)) throw error;
          await client.query('ROLLBACK');
          return await attempt(client, batch, 'savepoints');
        }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw storeUnavailable(error, `applying ${batch.topic}/${batch.partition}`);
      } finally {
        client.release(broken);
      }
    },
  };
}
