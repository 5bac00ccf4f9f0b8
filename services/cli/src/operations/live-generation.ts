import pg from 'pg';
import { MongoClient } from 'mongodb';
import { createMongoGenerations } from '@thalweg/platform/projection';
import { createTypesenseGenerations } from '@thalweg/platform/search';
import type { Projection } from '@thalweg/platform/topics';
import type { ProjectionStore } from './projection-store.ts';

type Serving = { projection: Projection; store: ProjectionStore };
type DocumentStore = Extract<ProjectionStore, { backend: 'postgres' | 'mongodb' }>;

async function postgresGeneration(projection: Projection, store: DocumentStore, timeoutMs: number): Promise<Serving> {
  const declared = { projection, store };
  const client = new pg.Client({ connectionString: store.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ schema_name: string; group_id: string }>(
      "SELECT schema_name, group_id FROM public.projection_generations WHERE projection = $1 AND state = 'live'",
      [declared.projection.name],
    );
    const live = rows[0];
    if (!live) return declared;
    return { projection: { ...projection, group: live.group_id }, store: { ...store, schema: live.schema_name } };
  } finally {
    await client.end().catch(() => {});
  }
}

async function mongoGeneration(projection: Projection, store: DocumentStore, timeoutMs: number): Promise<Serving> {
  const client = new MongoClient(store.url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    const generations = createMongoGenerations({ client, database: client.db().databaseName, projection: projection.name, declaredGroup: projection.group });
    const { db, group } = await generations.serving();
    return { projection: { ...projection, group }, store: { ...store, database: db.databaseName } };
  } finally {
    await client.close().catch(() => {});
  }
}

async function typesenseGeneration(projection: Projection, store: Extract<ProjectionStore, { backend: 'typesense' }>, timeoutMs: number): Promise<Serving> {
  const generations = createTypesenseGenerations({ url: store.url, apiKey: store.apiKey, timeout: timeoutMs, retries: 0, projection: projection.name, declaredGroup: projection.group });
  const live = await generations.live();
  return { projection: { ...projection, group: live.group }, store: { ...store, collection: live.offsetsCollection } };
}

/**
 * A projection as it serves now: after a rebuild its live generation is filled by its own group
 * (`<group>-g<N>`) into its own PostgreSQL schema, MongoDB database or Typesense collections,
 * and that is where its offsets are. Anything that cannot be read here (no generations yet, a store down) leaves the
 * projection as declared; reading its offsets then reports a store that is down.
 */
export async function liveGeneration(projection: Projection, store: ProjectionStore, timeoutMs: number): Promise<Serving> {
  const declared = { projection, store };
  try {
    if (store.backend === 'typesense') return await typesenseGeneration(projection, store, timeoutMs);
    if (store.backend === 'postgres') return await postgresGeneration(projection, store, timeoutMs);
    return await mongoGeneration(projection, store, timeoutMs);
  } catch {
    // No generations table (a projector from before generations), or a store down.
    return declared;
  }
}
