import type { Redis } from 'ioredis';
import { createApiSecurity, createServiceApp, mountRoutes, type ApiSecuritySettings } from '@thalweg/platform/http';
import type { CollectionSchema, SearchIndex } from '@thalweg/platform/search';
import type { Logger } from '@thalweg/platform/telemetry';
import { searchApiContracts, searchApiDocument } from './openapi.ts';
import { searchRoutes } from './search-routes.ts';

export interface SearchApiDependencies {
  index: SearchIndex;
  collections: CollectionSchema[];
  redis: Redis;
  logger: Logger;
  security: ApiSecuritySettings;
  /** Throws when the search index cannot be reached. */
  indexReady: () => Promise<void>;
}

/** The search API as an express app; main.ts wires it to real clients. */
export function createSearchApi({ index, collections, redis, logger, security, indexReady }: SearchApiDependencies) {
  const { guards, access } = createApiSecurity({ service: 'search-api', settings: security, redis, logger });
  const contracts = searchApiContracts(collections);
  return createServiceApp({
    name: 'search-api',
    logger,
    openapi: searchApiDocument(contracts),
    guards,
    routes: mountRoutes(
      contracts.map(({ contract }) => contract),
      searchRoutes({ index, access }, contracts),
    ),
    readiness: [
      { name: 'search index', check: indexReady },
      {
        name: 'redis',
        check: async () => {
          await redis.ping();
        },
      },
    ],
  });
}
