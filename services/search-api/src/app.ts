import type { Redis } from 'ioredis';
import { createApiSecurity, createServiceApp, type ApiSecuritySettings } from '@thalweg/platform/http';
import type { CollectionSchema, SearchIndex } from '@thalweg/platform/search';
import type { Logger } from '@thalweg/platform/telemetry';
import { searchApiOpenapi } from './openapi.ts';
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
  return createServiceApp({
    name: 'search-api',
    logger,
    openapi: searchApiOpenapi,
    guards,
    routes: searchRoutes({ index, access, collections }),
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
