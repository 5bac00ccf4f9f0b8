import type pg from 'pg';
import {
  createPostgresGenerations,
  createProjectionOffsetsTable,
  generationPool,
  superviseGenerations,
  type GenerationRole,
  type RunningProjector,
  type SupervisedGeneration,
} from '@thalweg/platform/projection';
import {
  SEARCH_PROJECTION,
  createPostgresSearchIndex,
  createTypesenseGenerations,
  createTypesenseIndex,
  searchTableName,
  typesenseHealth,
  typesenseOffsetsCollection,
  type CollectionSchema,
  type SearchIndex,
} from '@thalweg/platform/search';
import type { Logger } from '@thalweg/platform/telemetry';
import type { ProjectorConfig } from './config.ts';
import { createPostgresSearchOffsets, createTypesenseSearchOffsets, type SearchOffsets } from './search-offsets.ts';

/** Where one generation of the search projection writes: its index and its offsets. */
export interface GenerationIndex {
  index: SearchIndex;
  offsets: SearchOffsets;
}

export type SearchProjectorFor = (target: GenerationIndex, generation: SupervisedGeneration, role: GenerationRole) => Promise<RunningProjector>;

/** The search projection's generations in the backend THALWEG_SEARCH_BACKEND names, supervised. */
export interface SearchGenerations {
  /** Records generation 0 the first time and makes its collections. */
  init(): Promise<void>;
  supervise(projectorFor: SearchProjectorFor): ReturnType<typeof superviseGenerations>;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * PostgreSQL: a schema per generation (`public` for the first, then `search_g<N>`), read through
 * the views of schema `search`, as the ledger projection is; pg_trgm stays in public, which every
 * generation's connections search after their own schema.
 */
function postgresGenerations(config: ProjectorConfig, schemas: CollectionSchema[], logger: Logger): SearchGenerations {
  const poolOptions: pg.PoolConfig = { connectionString: config.searchDatabaseUrl, max: config.poolSize, connectionTimeoutMillis: 3_000 };
  const pools = new Map<string, pg.Pool>();
  const poolFor = (schema: string): pg.Pool => {
    let pool = pools.get(schema);
    if (!pool) {
      pool = generationPool(poolOptions, schema, { shared: ['public'] });
      pool.on('error', (error) => logger.warn('postgres pool error', { schema, error }));
      pools.set(schema, pool);
    }
    return pool;
  };
  const indexIn = (schema: string) => createPostgresSearchIndex({ pool: poolFor(schema), schemas });
  const generations = createPostgresGenerations({ pool: poolFor('public'), projection: SEARCH_PROJECTION, declaredGroup: config.group, tables: schemas.map((schema) => searchTableName(schema.name)) });
  return {
    init: () =>
      generations.init(async (schema) => {
        const index = indexIn(schema);
        for (const collection of schemas) await index.ensureCollection(collection);
        await createProjectionOffsetsTable(poolFor(schema));
      }),
    supervise: (projectorFor) =>
      superviseGenerations({
        generations,
        logger,
        projectorFor: (generation, role) => projectorFor({ index: indexIn(generation.schema), offsets: createPostgresSearchOffsets(poolFor(generation.schema)) }, generation, role),
      }),
    ready: async () => {
      await poolFor('public').query('SELECT 1');
    },
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}

/** Typesense: collections per generation behind one alias each (typesense-generations.ts). */
function typesenseGenerations(config: ProjectorConfig, schemas: CollectionSchema[], logger: Logger): SearchGenerations {
  const connection = { url: config.typesenseUrl, apiKey: config.typesenseApiKey };
  const generations = createTypesenseGenerations({ ...connection, projection: SEARCH_PROJECTION, declaredGroup: config.group, collections: schemas.map((schema) => schema.name) });
  return {
    init: () => generations.init(),
    supervise: (projectorFor) =>
      superviseGenerations({
        generations,
        logger,
        projectorFor: (generation, role) =>
          projectorFor(
            {
              index: createTypesenseIndex({ ...connection, schemas, generation: generation.generation }),
              offsets: createTypesenseSearchOffsets({ ...connection, collection: typesenseOffsetsCollection(SEARCH_PROJECTION, generation.generation) }),
            },
            generation,
            role,
          ),
      }),
    ready: () => typesenseHealth(config.typesenseUrl),
    close: async () => {},
  };
}

export function openSearchGenerations(config: ProjectorConfig, schemas: CollectionSchema[], logger: Logger): SearchGenerations {
  return config.searchBackend === 'typesense' ? typesenseGenerations(config, schemas, logger) : postgresGenerations(config, schemas, logger);
}
