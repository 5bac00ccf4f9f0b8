import pg from 'pg';
import { ThalwegError, storeCall } from '../errors/index.ts';
import { createProjectionOffsetsTable } from './postgres-offsets.ts';

/**
 * Generations of a PostgreSQL projection, for rebuilds done blue/green. Each generation is a
 * schema of its own (`public` for the first, then `<projection>_g<N>`) filled by a consumer group
 * of its own (`<group>-g<N>`); readers read the schema named after the projection
 * (`ledger.wallets`), whose views point at the live generation's tables. A swap replaces every view
 * in one transaction, so a reader sees the previous generation or the next, never a half-built one.
 */
export interface Generation {
  projection: string;
  generation: number;
  schema: string;
  group: string;
  state: 'building' | 'live' | 'retired';
  createdAt: Date;
  liveSince: Date | null;
}

const generationsDdl = `
CREATE TABLE IF NOT EXISTS public.projection_generations (
  projection  text        NOT NULL,
  generation  integer     NOT NULL,
  schema_name text        NOT NULL,
  group_id    text        NOT NULL,
  state       text        NOT NULL CHECK (state IN ('building', 'live', 'retired')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  live_since  timestamptz,
  PRIMARY KEY (projection, generation)
);
CREATE UNIQUE INDEX IF NOT EXISTS projection_generations_one_live ON public.projection_generations (projection) WHERE state = 'live';
CREATE UNIQUE INDEX IF NOT EXISTS projection_generations_one_building ON public.projection_generations (projection) WHERE state = 'building'`;

/** PostgreSQL's lock_not_available, what LOCK ... NOWAIT answers when another holds the lock. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Tables of a generation that are not read through the views: its offsets get a view of their own. */
const OFFSETS_TABLE = 'projection_offsets';

interface GenerationRow {
  projection: string;
  generation: number;
  schema_name: string;
  group_id: string;
  state: Generation['state'];
  created_at: Date;
  live_since: Date | null;
}

const fromRow = (row: GenerationRow): Generation => ({
  projection: row.projection,
  generation: row.generation,
  schema: row.schema_name,
  group: row.group_id,
  state: row.state,
  createdAt: row.created_at,
  liveSince: row.live_since,
});

/** The schema a generation's tables live in. */
const generationSchema = (projection: string, generation: number) => (generation === 0 ? 'public' : `${projection}_g${generation}`);

/** The consumer group that fills a generation; the first one is the declared group itself. */
const generationGroup = (declaredGroup: string, generation: number) => (generation === 0 ? declaredGroup : `${declaredGroup}-g${generation}`);

/**
 * A pool whose unqualified names resolve in the generation's schema: the store and the DDL run
 * unchanged. `shared` is searched after it, for what every generation uses from one place (an
 * extension's functions in public).
 */
export function generationPool(options: pg.PoolConfig, schema: string, { shared = [] }: { shared?: string[] } = {}): pg.Pool {
  return new pg.Pool({ ...options, options: `-c search_path=${[schema, ...shared].join(',')}` });
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await storeCall('connecting to PostgreSQL', pool.connect());
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Points every view of the projection's read schema at `target`'s tables, inside the caller's
 * transaction. A generation's own schema holds its tables alone; `public`, generation 0's, may
 * hold other projections' too (one database for several), so there only `publicTables` are read.
 */
async function pointViews(client: pg.PoolClient, projection: string, declaredGroup: string, target: { schema: string; group: string }, publicTables: string[]) {
  const id = (name: string) => client.escapeIdentifier(name);
  const { rows: tables } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name NOT IN ($2, 'projection_generations')
        AND ($1 <> 'public' OR table_name = ANY($3)) ORDER BY table_name`,
    [target.schema, OFFSETS_TABLE, publicTables],
  );
  if (tables.length === 0) throw new ThalwegError('THALWEG_CONFLICT', `generation schema ${target.schema} holds no tables: nothing to read from`);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${id(projection)}`);
  const { rows: views } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.views WHERE table_schema = $1 ORDER BY table_name`, [projection]);
  if (views.length > 0) {
    // Every view at once and without waiting: a reader holding one view while it waits for another
    // would otherwise deadlock with the swap. When a reader holds one, the swap is tried again.
    try {
      await client.query(`LOCK TABLE ${views.map(({ table_name }) => `${id(projection)}.${id(table_name)}`).join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT`);
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      throw new ThalwegError('THALWEG_CONFLICT', `readers hold the views of ${projection}: the swap is tried again`, { retriable: true, cause: error });
    }
  }
  for (const { table_name } of views) await client.query(`DROP VIEW ${id(projection)}.${id(table_name)}`);
  for (const { table_name } of tables) {
    await client.query(`CREATE VIEW ${id(projection)}.${id(table_name)} AS SELECT * FROM ${id(target.schema)}.${id(table_name)}`);
  }
  // Readers ask for the declared group's offsets (consistency tokens), whichever group filled them.
  await client.query(
    `CREATE VIEW ${id(projection)}.${OFFSETS_TABLE} AS
       SELECT ${client.escapeLiteral(declaredGroup)}::text AS group_id, topic, partition, next_offset, updated_at
         FROM ${id(target.schema)}.${OFFSETS_TABLE} WHERE group_id = ${client.escapeLiteral(target.group)}`,
  );
}

/** Throws a retriable conflict when `next` has applied less than `live` on a partition of `topics`. */
async function refuseIfBehind(client: pg.PoolClient, live: Generation, next: Generation, topics: string[]) {
  const liveOffsets = `${client.escapeIdentifier(live.schema)}.${OFFSETS_TABLE}`;
  // The live projector's next batch waits until the swap commits (its offset row is locked); a
  // batch in progress is waited for, briefly.
  await client.query("SET LOCAL lock_timeout = '5s'");
  try {
    await client.query(`LOCK TABLE ${liveOffsets} IN EXCLUSIVE MODE`);
  } catch (error) {
    if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
    throw new ThalwegError('THALWEG_CONFLICT', `the live generation ${live.generation} is busy: the swap is tried again`, { retriable: true, cause: error });
  }
  const { rows } = await client.query<{ topic: string; partition: number; live: string; next: string | null }>(
    `SELECT l.topic, l.partition, l.next_offset AS live, n.next_offset AS next
       FROM ${liveOffsets} l
       LEFT JOIN ${client.escapeIdentifier(next.schema)}.${OFFSETS_TABLE} n ON n.group_id = $2 AND n.topic = l.topic AND n.partition = l.partition
      WHERE l.group_id = $1 AND l.topic = ANY($3) AND (n.next_offset IS NULL OR n.next_offset < l.next_offset)
      ORDER BY l.topic, l.partition`,
    [live.group, next.group, topics],
  );
  if (rows.length === 0) return;
  const behind = rows.map((row) => `${row.topic}/${row.partition} at ${row.next ?? 'nothing'} of ${row.live}`).join(', ');
  throw new ThalwegError('THALWEG_CONFLICT', `generation ${next.generation} is behind the live generation ${live.generation} on ${behind}`, { retriable: true });
}

export interface PostgresGenerationsOptions {
  pool: pg.Pool;
  projection: string;
  declaredGroup: string;
  /** The projection's tables, read by name in `public` (generation 0); needed only by init. */
  tables?: string[];
}

export function createPostgresGenerations({ pool, projection, declaredGroup, tables = [] }: PostgresGenerationsOptions) {
  if (!/^[a-z][a-z0-9_]*$/.test(projection)) throw new Error(`createPostgresGenerations: projection name ${projection} is not a plain SQL identifier`);

  async function list(): Promise<Generation[]> {
    const { rows } = await storeCall(
      'reading projection generations',
      pool.query<GenerationRow>('SELECT * FROM public.projection_generations WHERE projection = $1 ORDER BY generation', [projection]),
    );
    return rows.map(fromRow);
  }

  return {
    list,

    /**
     * Creates the generations table and, the first time, generation 0 (`public`, the declared
     * group) as the live one; then makes sure the read views exist. `ensureTables` creates the
     * projection's own tables in a schema (through a pool whose search_path is that schema).
     */
    async init(ensureTables: (schema: string) => Promise<void>): Promise<void> {
      await storeCall('creating projection_generations', pool.query(generationsDdl));
      await inTransaction(pool, async (client) => {
        await client.query('LOCK TABLE public.projection_generations IN SHARE ROW EXCLUSIVE MODE');
        const { rows } = await client.query<GenerationRow>("SELECT * FROM public.projection_generations WHERE projection = $1 AND state = 'live'", [projection]);
        const live = rows[0] ? fromRow(rows[0]) : undefined;
        if (!live) {
          await client.query("INSERT INTO public.projection_generations (projection, generation, schema_name, group_id, state, live_since) VALUES ($1, 0, 'public', $2, 'live', now())", [projection, declaredGroup]);
        }
        const target = live ?? { schema: 'public', group: declaredGroup };
        await ensureTables(target.schema);
        const { rows: views } = await client.query('SELECT 1 FROM information_schema.views WHERE table_schema = $1 LIMIT 1', [projection]);
        if (views.length === 0) await pointViews(client, projection, declaredGroup, target, tables);
      });
    },

    async live(): Promise<Generation> {
      const live = (await list()).find((generation) => generation.state === 'live');
      if (!live) throw new ThalwegError('THALWEG_STORE_UNAVAILABLE', `projection ${projection} has no live generation: the projector has not started yet`);
      return live;
    },

    async building(): Promise<Generation | undefined> {
      return (await list()).find((generation) => generation.state === 'building');
    },

    /**
     * Starts a rebuild: a new generation, filled from offset 0 by its own group once a projector
     * picks it up. `startAt` stores offsets it starts from instead: the retry topics' ends, since
     * the replays made before now were of events the new generation reads again from the topics.
     */
    async begin({ startAt = [] }: { startAt?: Array<{ topic: string; partition: number; offset: string }> } = {}): Promise<Generation> {
      return inTransaction(pool, async (client) => {
        await client.query('LOCK TABLE public.projection_generations IN SHARE ROW EXCLUSIVE MODE');
        const { rows } = await client.query<GenerationRow>('SELECT * FROM public.projection_generations WHERE projection = $1 ORDER BY generation', [projection]);
        const existing = rows.map(fromRow);
        const building = existing.find((generation) => generation.state === 'building');
        if (building) throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection} is already being rebuilt (generation ${building.generation})`);
        if (!existing.some((generation) => generation.state === 'live')) throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection} has no live generation: start its projector first`);
        const generation = Math.max(...existing.map((entry) => entry.generation)) + 1;
        const schema = generationSchema(projection, generation);
        const inserted = await client.query<GenerationRow>(
          "INSERT INTO public.projection_generations (projection, generation, schema_name, group_id, state) VALUES ($1, $2, $3, $4, 'building') RETURNING *",
          [projection, generation, schema, generationGroup(declaredGroup, generation)],
        );
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
        await client.query(`SET LOCAL search_path TO ${client.escapeIdentifier(schema)}`);
        await createProjectionOffsetsTable(client);
        for (const { topic, partition, offset } of startAt) {
          await client.query('INSERT INTO projection_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)', [inserted.rows[0]!.group_id, topic, partition, offset]);
        }
        return fromRow(inserted.rows[0]!);
      });
    },

    /**
     * Makes the building generation live: every view at once; the previous live one is kept,
     * retired. Refused (retriable) while the new generation is behind the live one on any
     * partition of `topics`: the live one's offsets are locked meanwhile, so a reader never goes
     * from a model to one that has applied less.
     */
    async swap(generation: number, { topics }: { topics: string[] }): Promise<Generation> {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<GenerationRow>('SELECT * FROM public.projection_generations WHERE projection = $1 ORDER BY generation FOR UPDATE', [projection]);
        const all = rows.map(fromRow);
        const target = all.find((entry) => entry.generation === generation);
        if (!target || target.state !== 'building') throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is not being built`);
        const live = all.find((entry) => entry.state === 'live');
        if (live) await refuseIfBehind(client, live, target, topics);
        await pointViews(client, projection, declaredGroup, target, tables);
        await client.query("UPDATE public.projection_generations SET state = 'retired' WHERE projection = $1 AND state = 'live'", [projection]);
        const { rows: updated } = await client.query<GenerationRow>(
          "UPDATE public.projection_generations SET state = 'live', live_since = now() WHERE projection = $1 AND generation = $2 RETURNING *",
          [projection, generation],
        );
        return fromRow(updated[0]!);
      });
    },

    /** Drops a retired or abandoned generation's schema and its row; the live one is refused. */
    async drop(generation: number): Promise<Generation> {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<GenerationRow>('SELECT * FROM public.projection_generations WHERE projection = $1 AND generation = $2 FOR UPDATE', [projection, generation]);
        const target = rows[0] ? fromRow(rows[0]) : undefined;
        if (!target) throw new ThalwegError('THALWEG_NOT_FOUND', `projection ${projection} has no generation ${generation}`);
        if (target.state === 'live') throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is live: rebuild and swap first`);
        if (target.schema === 'public') throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} lives in the public schema: drop its tables by hand if you mean to`);
        await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(target.schema)} CASCADE`);
        await client.query('DELETE FROM public.projection_generations WHERE projection = $1 AND generation = $2', [projection, generation]);
        return target;
      });
    },
  };
}

export type PostgresGenerations = ReturnType<typeof createPostgresGenerations>;
