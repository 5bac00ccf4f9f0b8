import type pg from 'pg';
import { storeCall } from '../errors/index.ts';
import type { ConsistencyPosition } from '../events/index.ts';
import { waitForPosition } from './position-wait.ts';

/**
 * Read-your-writes for PostgreSQL projections: waits, up to `timeout`, until the group's stored
 * offset has passed the position; then the read may answer. Past the bound it refuses with
 * THALWEG_CONSISTENCY_NOT_REACHED rather than serve data that may be stale.
 */
export function createPostgresPosition({ pool, group, table = 'projection_offsets', interval = 25 }: { pool: pg.Pool; group: string; table?: string; interval?: number }) {
  // `table` may name the read schema's view of the live generation's offsets (`ledger.projection_offsets`).
  const query = `SELECT next_offset FROM ${table} WHERE group_id = $1 AND topic = $2 AND partition = $3`;
  async function applied({ topic, partition, offset }: ConsistencyPosition): Promise<boolean> {
    const { rows } = await storeCall('reading projection position', pool.query<{ next_offset: string }>(query, [group, topic, partition]));
    return rows.length > 0 && BigInt(rows[0]!.next_offset) > BigInt(offset);
  }

  return {
    applied,
    waitFor: (position: ConsistencyPosition, timeout: number): Promise<void> => waitForPosition(applied, position, timeout, interval),
  };
}
