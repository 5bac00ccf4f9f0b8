import type pg from 'pg';
import { storeCall } from '../errors/index.ts';

/** Where PostgreSQL-backed projections keep each partition's next offset, beside what they project. */
const projectionOffsetsDdl = `
CREATE TABLE IF NOT EXISTS projection_offsets (
  group_id    text        NOT NULL,
  topic       text        NOT NULL,
  partition   integer     NOT NULL,
  next_offset bigint      NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
)`;

export async function createProjectionOffsetsTable(pool: Pick<pg.Pool, 'query'>): Promise<void> {
  await storeCall('creating projection_offsets', pool.query(projectionOffsetsDdl));
}

/** The group's next offsets per partition of a topic, to resume from when assigned. */
export async function readProjectionOffsets(pool: pg.Pool, group: string, topic: string): Promise<Map<number, string>> {
  const { rows } = await storeCall(
    'reading projection offsets',
    pool.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM projection_offsets WHERE group_id = $1 AND topic = $2', [group, topic]),
  );
  return new Map(rows.map((row) => [row.partition, row.next_offset]));
}
