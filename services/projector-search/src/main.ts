import { runService } from '@thalweg/platform/lifecycle';
import { projectorServiceOptions, startProjectorService } from '@thalweg/platform/projection';
import { loadCollectionSchema, openSearchBackend } from '@thalweg/platform/search';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadConfig } from './config.ts';
import { createPostgresSearchOffsets, createTypesenseSearchOffsets } from './search-offsets.ts';
import { ENTRIES, USERS } from './search-projection.ts';
import { createSearchProjector } from './search-projector.ts';

const SERVICE = 'projector-search';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group, backend: config.searchBackend } });

await runService(SERVICE, logger, async () => {
  const backend = openSearchBackend({
    settings: config,
    schemas: [USERS, ENTRIES].map((name) => loadCollectionSchema(name)),
    poolSize: config.poolSize,
    onPoolError: (error) => logger.warn('postgres pool error', { error }),
  });
  const options = projectorServiceOptions({ service: SERVICE, declaredGroup: SERVICE, settings: config, logger });
  const projector = await createSearchProjector({
    ...options,
    index: backend.index,
    // Each backend keeps the offsets beside its collections (docs/search.md).
    offsets: backend.pool ? createPostgresSearchOffsets(backend.pool) : createTypesenseSearchOffsets({ url: config.typesenseUrl, apiKey: config.typesenseApiKey }),
  });
  return startProjectorService({
    service: SERVICE,
    projector,
    logger,
    host: config.host,
    port: config.port,
    readiness: [{ name: 'search index', check: () => backend.ready() }],
    closeStore: () => backend.close(),
  });
});
