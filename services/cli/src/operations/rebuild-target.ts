import pg from 'pg';
import { MongoClient } from 'mongodb';
import { databaseSettings, mongoSettings } from '@thalweg/platform/config';
import { ThalwegError } from '@thalweg/platform/errors';
import { createMongoGenerations, createPostgresGenerations, projectionOffsetsCollection } from '@thalweg/platform/projection';
import { createTypesenseGenerations, createTypesenseOffsets, searchSettings } from '@thalweg/platform/search';
import type { Projection } from '@thalweg/platform/topics';
import type { SettingReader } from './setting-reader.ts';

/** A generation as the rebuild commands speak of it, whatever store keeps it. */
export interface TargetGeneration {
  generation: number;
  group: string;
  state: 'building' | 'live' | 'retired';
  /** Where its read model lives: a PostgreSQL schema, a MongoDB database or Typesense collections. */
  location: string;
}

export type StartAt = Array<{ topic: string; partition: number; offset: string }>;

/** The generations of one projection in its store, and where each has got to. */
export interface RebuildTarget {
  kind: string;
  live(): Promise<TargetGeneration>;
  building(): Promise<TargetGeneration | undefined>;
  begin(startAt: StartAt): Promise<TargetGeneration>;
  /** Throws a retriable THALWEG_CONFLICT while the generation is behind the live one. */
  swap(generation: number, topics: string[]): Promise<TargetGeneration>;
  drop(generation: number): Promise<TargetGeneration>;
  /** The next offsets a generation has stored, per `topic/partition`. */
  storedOffsets(generation: TargetGeneration): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/** PostgreSQL's undefined_table: the generation's projector has not created its tables yet. */
const UNDEFINED_TABLE = '42P01';

/** What both stores' generations offer, as the rebuild commands use it. */
interface StoreGenerations<G extends { generation: number; group: string; state: TargetGeneration['state'] }> {
  list(): Promise<G[]>;
  live(): Promise<G>;
  building(): Promise<G | undefined>;
  begin(options: { startAt: StartAt }): Promise<G>;
  swap(generation: number, options: { topics: string[] }): Promise<G>;
  drop(generation: number, options: { topics: string[] }): Promise<G>;
}

function targetOf<G extends { generation: number; group: string; state: TargetGeneration['state'] }>({
  kind,
  projection,
  generations,
  location,
  offsetsOf,
  close,
}: {
  kind: string;
  projection: Projection;
  generations: StoreGenerations<G>;
  location: (generation: G) => string;
  offsetsOf: (generation: G) => Promise<Map<string, number>>;
  close: () => Promise<void>;
}): RebuildTarget {
  const shown = (generation: G): TargetGeneration => ({ generation: generation.generation, group: generation.group, state: generation.state, location: location(generation) });
  return {
    kind,
    live: async () => shown(await generations.live()),
    building: async () => {
      const found = await generations.building();
      return found && shown(found);
    },
    begin: async (startAt) => shown(await generations.begin({ startAt })),
    swap: async (generation, topics) => shown(await generations.swap(generation, { topics })),
    drop: async (generation) => shown(await generations.drop(generation, { topics: projection.topics })),
    async storedOffsets(target) {
      const found = (await generations.list()).find((entry) => entry.generation === target.generation);
      if (!found) throw new ThalwegError('THALWEG_NOT_FOUND', `generation ${target.generation} is gone (dropped while being rebuilt?)`);
      return offsetsOf(found);
    },
    close,
  };
}

function postgresTarget(url: string, projection: Projection): RebuildTarget {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3_000 });
  pool.on('error', () => {});
  return targetOf({
    kind: 'PostgreSQL',
    projection,
    generations: createPostgresGenerations({ pool, projection: projection.name, declaredGroup: projection.group }),
    location: (generation) => `schema ${generation.schema}`,
    async offsetsOf(generation) {
      try {
        const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
          `SELECT topic, partition, next_offset FROM ${pg.Client.prototype.escapeIdentifier(generation.schema)}.projection_offsets WHERE group_id = $1`,
          [generation.group],
        );
        return new Map(rows.map((row) => [`${row.topic}/${row.partition}`, Number(row.next_offset)]));
      } catch (error) {
        if ((error as { code?: string }).code === UNDEFINED_TABLE) return new Map();
        throw error;
      }
    },
    close: () => pool.end(),
  });
}

function mongoTarget(url: string, projection: Projection): RebuildTarget {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3_000 });
  return targetOf({
    kind: 'MongoDB',
    projection,
    generations: createMongoGenerations({ client, database: client.db().databaseName, projection: projection.name, declaredGroup: projection.group }),
    location: (generation) => `database ${generation.database}`,
    async offsetsOf(generation) {
      const stored = await client.db(generation.database).collection<{ topic: string; partition: number; nextOffset: unknown }>(projectionOffsetsCollection).find({ group: generation.group }).toArray();
      return new Map(stored.map((entry) => [`${entry.topic}/${entry.partition}`, Number(String(entry.nextOffset))]));
    },
    close: () => client.close(),
  });
}

function typesenseTarget(connection: { url: string; apiKey: string }, projection: Projection): RebuildTarget {
  return targetOf({
    kind: 'Typesense',
    projection,
    generations: createTypesenseGenerations({ ...connection, projection: projection.name, declaredGroup: projection.group }),
    location: (generation) => `collections ${generation.collections.join(', ')}`,
    async offsetsOf(generation) {
      const offsets = createTypesenseOffsets({ ...connection, collection: generation.offsetsCollection });
      const stored = new Map<string, number>();
      for (const topic of projection.topics) {
        for (const [partition, offset] of await offsets.read(generation.group, topic)) stored.set(`${topic}/${partition}`, Number(offset));
      }
      return stored;
    },
    close: async () => {},
  });
}

/** The projection's generations, in the store its service writes (the same variables it reads). */
export function rebuildTarget(projection: Projection, read: SettingReader): RebuildTarget {
  switch (projection.store) {
    case 'postgres':
      return postgresTarget(read(databaseSettings.databaseUrl), projection);
    case 'mongodb':
      return mongoTarget(read(mongoSettings.mongodbUrl), projection);
    case 'search':
      // The backend projector-search writes, by the variables it reads.
      return read(searchSettings.searchBackend) === 'typesense'
        ? typesenseTarget({ url: read(searchSettings.typesenseUrl), apiKey: read(searchSettings.typesenseApiKey) }, projection)
        : postgresTarget(read(searchSettings.searchDatabaseUrl), projection);
  }
}
