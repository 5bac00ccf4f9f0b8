import pg from 'pg';
import type { CollectionSchema } from './collection-schema.ts';
import { createPostgresSearchIndex } from './postgres-search-index.ts';
import type { SearchIndex } from './search-index.ts';
import { checkSearchSettings, type SearchBackendSettings } from './search-settings.ts';
import { createTypesenseIndex } from './typesense-index.ts';

/**
 * The search projection's name, as operators name it (projection catalogue) and as its PostgreSQL
 * read schema is named: the views there point at the live generation's tables (rebuilds).
 */
export const SEARCH_PROJECTION = 'search';

/** Typesense's documented health endpoint (no key needed): {"ok": true} once it serves. */
export async function typesenseHealth(url: string): Promise<void> {
  const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`Typesense /health answered ${response.status}`);
}

/** An open search index with what a service needs around it: a readiness probe and a way to close. */
export interface SearchBackend {
  index: SearchIndex;
  /** Throws when the backend cannot be reached. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenSearchBackendOptions {
  settings: SearchBackendSettings;
  schemas: CollectionSchema[];
  poolSize?: number;
  onPoolError?: (error: Error) => void;
}

/**
 * Opens the index THALWEG_SEARCH_BACKEND names, Typesense (make up, compose) or PostgreSQL, as
 * readers read it: the live generation, through Typesense's aliases or the read schema's views
 * (projector-search writes each generation through its own, search-generations.ts there).
 */
export function openSearchBackend({ settings, schemas, poolSize = 5, onPoolError = () => {} }: OpenSearchBackendOptions): SearchBackend {
  checkSearchSettings(settings);
  if (settings.searchBackend === 'typesense') {
    const index = createTypesenseIndex({ url: settings.typesenseUrl, apiKey: settings.typesenseApiKey, schemas });
    return {
      index,
      ready: () => typesenseHealth(settings.typesenseUrl),
      close: async () => {},
    };
  }
  // The read schema first; public after it for pg_trgm, and for the tables of generation 0 before
  // any projector has made the views.
  const pool = new pg.Pool({ connectionString: settings.searchDatabaseUrl, max: poolSize, connectionTimeoutMillis: 3_000, options: `-c search_path=${SEARCH_PROJECTION},public` });
  pool.on('error', onPoolError);
  return {
    index: createPostgresSearchIndex({ pool, schemas }),
    ready: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
