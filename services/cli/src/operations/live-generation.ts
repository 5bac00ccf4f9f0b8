import pg from 'pg';
import type { Projection } from '@thalweg/platform/topics';
import type { ProjectionStore } from './projection-store.ts';

/** PostgreSQL's undefined_table: a database whose projector predates generations, or none has run. */
const UNDEFINED_TABLE = '42P01';

/**
 * A PostgreSQL projection as it serves now: after a rebuild its live generation is filled by its
 * own group (`<group>-g<N>`) into its own schema, and that is where its offsets are. Anything that
 * cannot be read here (no generations yet, a store down) leaves the projection as declared; the
 * store's reading reports a store that is down.
 */
export async function liveGeneration(projection: Projection, store: ProjectionStore, timeoutMs: number): Promise<{ projection: Projection; store: ProjectionStore; generation?: number }> {
  if (store.backend !== 'postgres') return { projection, store };
  const client = new pg.Client({ connectionString: store.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ generation: number; schema_name: string; group_id: string }>(
      "SELECT generation, schema_name, group_id FROM public.projection_generations WHERE projection = $1 AND state = 'live'",
      [projection.name],
    );
    const live = rows[0];
    if (!live) return { projection, store };
    return { projection: { ...projection, group: live.group_id }, store: { ...store, schema: live.schema_name }, generation: live.generation };
  } catch {
    // No generations table (UNDEFINED_TABLE), or a store down that the reading reports.
    return { projection, store };
  } finally {
    await client.end().catch(() => {});
  }
}
