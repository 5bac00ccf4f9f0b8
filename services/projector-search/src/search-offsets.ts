import type pg from 'pg';
import { storeCall } from '@thalweg/platform/errors';
import { createProjectionOffsetsTable, readProjectionOffsets } from '@thalweg/platform/projection';
import { createTypesenseOffsets, type TypesenseOffsetsOptions } from '@thalweg/platform/search';

/** Where the search projection keeps each partition's next offset. */
export interface SearchOffsets {
  init(): Promise<void>;
  /** Next offsets per partition, to resume from when assigned; a partition never applied is absent. */
  read(group: string, topic: string): Promise<Map<number, string>>;
  /** Written after a batch's documents and dead letters. */
  write(group: string, topic: string, partition: number, nextOffset: string): Promise<void>;
}

/**
 * Offsets in `projection_offsets` of the search database (the PostgreSQL backend), read back on
 * assignment, so the projector resumes where the index is, and a rebuild or read-your-writes can
 * ask the same table as for the ledger projection.
 */
export function createPostgresSearchOffsets(pool: pg.Pool): SearchOffsets {
  return {
    init: () => createProjectionOffsetsTable(pool),
    read: (group, topic) => readProjectionOffsets(pool, group, topic),
    async write(group, topic, partition, nextOffset) {
      await storeCall(
        'storing projection offset',
        pool.query(
          `INSERT INTO projection_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
           ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = GREATEST(projection_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()`,
          [group, topic, partition, nextOffset],
        ),
      );
    },
  };
}

/**
 * Offsets in a `projection_offsets` collection of the Typesense the index lives in (one document
 * per partition), so the read model knows its own offsets there too: a wiped or restored
 * Typesense takes its offsets with it and the projector replays what it lacks, whatever Kafka's
 * committed offsets say.
 */
export function createTypesenseSearchOffsets(options: TypesenseOffsetsOptions): SearchOffsets {
  return createTypesenseOffsets(options);
}
