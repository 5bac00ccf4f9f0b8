import pg from 'pg';
import { MongoClient } from 'mongodb';
import { databaseSettings, mongoSettings } from '@thalweg/platform/config';
import { ThalwegError } from '@thalweg/platform/errors';
import { createMongoGenerations, createPostgresGenerations, projectionOffsetsCollection } from '@thalweg/platform/projection';
import type { Projection } from '@thalweg/platform/topics';
import type { SettingReader } from './setting-reader.ts';

/** A generation as the rebuild commands speak of it, whatever store keeps it. */
export interface TargetGeneration {
  generation: number;
  group: string;
  state: 'building' | 'live' | 'retired';
  /** Where its read model lives: a PostgreSQL schema or a MongoDB database. */
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

function postgresTarget(url: string, projection: Projection): RebuildTarget {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3_000 });
  pool.on('error', () => {});
  const generations = createPostgresGenerations({ pool, projection: projection.name, declaredGroup: projection.group });
  const shown = ({ generation, group, state, schema }: { generation: number; group: string; state: TargetGeneration['state']; schema: string }): TargetGeneration => ({ generation, group, state, location: `schema ${schema}` });
  return {
    kind: 'PostgreSQL',
    live: async () => shown(await generations.live()),
    building: async () => {
      const found = await generations.building();
      return found && shown(found);
    },
    begin: async (startAt) => shown(await generations.begin({ startAt })),
    swap: async (generation, topics) => shown(await generations.swap(generation, { topics })),
    drop: async (generation) => shown(await generations.drop(generation)),
    async storedOffsets(target) {
      const schema = (await generations.list()).find((entry) => entry.generation === target.generation)!.schema;
      try {
        const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
          `SELECT topic, partition, next_offset FROM ${pg.Client.prototype.escapeIdentifier(schema)}.projection_offsets WHERE group_id = $1`,
          [target.group],
        );
        return new Map(rows.map((row) => [`${row.topic}/${row.partition}`, Number(row.next_offset)]));
      } catch (error) {
        if ((error as { code?: string }).code === UNDEFINED_TABLE) return new Map();
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

function mongoTarget(url: string, projection: Projection): RebuildTarget {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3_000 });
  const generations = createMongoGenerations({ client, database: client.db().databaseName, projection: projection.name, declaredGroup: projection.group });
  const shown = ({ generation, group, state, database }: { generation: number; group: string; state: TargetGeneration['state']; database: string }): TargetGeneration => ({ generation, group, state, location: `database ${database}` });
  return {
    kind: 'MongoDB',
    live: async () => shown(await generations.live()),
    building: async () => {
      const found = await generations.building();
      return found && shown(found);
    },
    begin: async (startAt) => shown(await generations.begin({ startAt })),
    swap: async (generation, topics) => shown(await generations.swap(generation, { topics })),
    drop: async (generation) => shown(await generations.drop(generation)),
    async storedOffsets(target) {
      const database = (await generations.list()).find((entry) => entry.generation === target.generation)!.database;
      const stored = await client.db(database).collection<{ topic: string; partition: number; nextOffset: unknown }>(projectionOffsetsCollection).find({ group: target.group }).toArray();
      return new Map(stored.map((entry) => [`${entry.topic}/${entry.partition}`, Number(String(entry.nextOffset))]));
    },
    close: () => client.close(),
  };
}

/** The projection's generations, in the store its service writes (the same variables it reads). */
export function rebuildTarget(projection: Projection, read: SettingReader): RebuildTarget {
  switch (projection.store) {
    case 'postgres':
      return postgresTarget(read(databaseSettings.databaseUrl), projection);
    case 'mongodb':
      return mongoTarget(read(mongoSettings.mongodbUrl), projection);
    default:
      throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection.name} keeps its read model in the search index: blue/green rebuilds are built for PostgreSQL and MongoDB projections so far`);
  }
}
