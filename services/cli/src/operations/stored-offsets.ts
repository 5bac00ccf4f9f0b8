import pg from 'pg';
import { MongoClient, type Long } from 'mongodb';
import { projectionOffsetsCollection } from '@thalweg/platform/projection';
import { createTypesenseOffsets } from '@thalweg/platform/search';
import type { ProjectionStore } from './projection-store.ts';
import { redactedUrl } from './redacted-url.ts';
import { errorText } from './error-text.ts';
import { withTimeout } from './with-timeout.ts';

/** A projection's own record of where it is in one partition: the next offset it will apply. */
export interface StoredOffset {
  topic: string;
  partition: number;
  nextOffset: number;
  /** When the store last moved it (the last batch applied); null where the store keeps no time. */
  updatedAt: string | null;
}

export type StoreReading =
  | { state: 'reachable'; backend: string; location: string; offsets: StoredOffset[] }
  | { state: 'unreachable'; backend: string; location: string; error: string };

/** PostgreSQL's undefined_table: a store no projector has written to yet holds no offsets. */
const UNDEFINED_TABLE = '42P01';

async function readPostgres(url: string, group: string, topics: string[], timeoutMs: number, schema = 'public'): Promise<StoredOffset[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ topic: string; partition: number; next_offset: string; updated_at: Date | null }>(
      `SELECT topic, partition, next_offset, updated_at FROM ${client.escapeIdentifier(schema)}.projection_offsets WHERE group_id = $1 AND topic = ANY($2) ORDER BY topic, partition`,
      [group, topics],
    );
    return rows.map((row) => ({ topic: row.topic, partition: row.partition, nextOffset: Number(row.next_offset), updatedAt: row.updated_at?.toISOString() ?? null }));
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

interface OffsetDocument {
  topic: string;
  partition: number;
  nextOffset: Long | number;
  updatedAt?: Date;
}

async function readMongo(url: string, group: string, topics: string[], timeoutMs: number, database?: string): Promise<StoredOffset[]> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    const documents = await client
      .db(database)
      .collection<OffsetDocument>(projectionOffsetsCollection)
      .find({ group, topic: { $in: topics } }, { maxTimeMS: timeoutMs })
      .toArray();
    return documents
      .map((document) => ({ topic: document.topic, partition: document.partition, nextOffset: Number(document.nextOffset), updatedAt: document.updatedAt?.toISOString() ?? null }))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * Through the search projection's own reader of its Typesense offsets collection (the live
 * generation's), which keeps no time it exposes: the last applied time stays unknown there.
 */
async function readTypesense(url: string, apiKey: string, group: string, topics: string[], timeoutMs: number, collection?: string): Promise<StoredOffset[]> {
  if (!apiKey) throw new Error('THALWEG_TYPESENSE_API_KEY is not set');
  const reader = createTypesenseOffsets({ url, apiKey, timeout: timeoutMs, retries: 0, collection });
  const offsets: StoredOffset[] = [];
  for (const topic of topics) {
    for (const [partition, nextOffset] of await reader.read(group, topic)) offsets.push({ topic, partition, nextOffset: Number(nextOffset), updatedAt: null });
  }
  return offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** The group's stored offsets for `topics`; a store that does not answer is reported, not thrown. */
export async function readStoredOffsets(store: ProjectionStore, { group, topics, timeoutMs = 3_000 }: { group: string; topics: string[]; timeoutMs?: number }): Promise<StoreReading> {
  const location = `${redactedUrl(store.url)} (${store.variables})`;
  const reading =
    store.backend === 'typesense'
      ? readTypesense(store.url, store.apiKey, group, topics, timeoutMs, store.collection)
      : store.backend === 'postgres'
        ? readPostgres(store.url, group, topics, timeoutMs, store.schema)
        : readMongo(store.url, group, topics, timeoutMs, store.database);
  try {
    const offsets = await withTimeout(reading, timeoutMs + 1_000, `${store.backend} at ${redactedUrl(store.url)}`);
    return { state: 'reachable', backend: store.backend, location, offsets };
  } catch (error) {
    return { state: 'unreachable', backend: store.backend, location, error: errorText(error) };
  }
}
