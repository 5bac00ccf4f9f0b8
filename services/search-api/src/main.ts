import { Redis } from 'ioredis';
import { listen } from '@thalweg/platform/http';
import { runService } from '@thalweg/platform/lifecycle';
import { loadCollectionSchema, openSearchBackend } from '@thalweg/platform/search';
import { createLogger } from '@thalweg/platform/telemetry';
import { createSearchApi } from './app.ts';
import { loadConfig } from './config.ts';
import { SEARCH_COLLECTIONS } from './openapi.ts';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: 'search-api', backend: config.searchBackend } });

await runService('search-api', logger, async () => {
  // The search API never creates collections: projector-search does, from the same schema files.
  const collections = SEARCH_COLLECTIONS.map((name) => loadCollectionSchema(name));
  const backend = openSearchBackend({ settings: config, schemas: collections, poolSize: config.poolSize, onPoolError: (error) => logger.warn('postgres pool error', { error }) });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', (error) => logger.warn('redis error', { error }));
  const app = createSearchApi({ index: backend.index, collections, redis, logger, security: config, indexReady: () => backend.ready() });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info('listening', { host: config.host, port: config.port });
  return {
    async stop() {
      await server.close();
      await backend.close();
      redis.disconnect();
    },
  };
});
