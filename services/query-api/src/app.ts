import type pg from 'pg';
import type { Redis } from 'ioredis';
import { createApiSecurity, createServiceApp, type ApiSecuritySettings } from '@thalweg/platform/http';
import { createPostgresPosition } from '@thalweg/platform/projection';
import type { Logger } from '@thalweg/platform/telemetry';
import { queryApiOpenapi } from './openapi.ts';
import { createWalletReads } from './wallet-reads.ts';
import { walletRoutes } from './wallet-routes.ts';

export interface QueryApiDependencies {
  pool: pg.Pool;
  redis: Redis;
  logger: Logger;
  security: ApiSecuritySettings;
  /** The ledger projection's consumer group, whose offsets answer consistency tokens. */
  ledgerGroup: string;
  consistencyTimeout: number; // ms
}

/** The query API as an express app; main.ts wires it to real clients, tests too. */
export function createQueryApi({ pool, redis, logger, security, ledgerGroup, consistencyTimeout }: QueryApiDependencies) {
  const { guards, access } = createApiSecurity({ service: 'query-api', settings: security, redis, logger });
  return createServiceApp({
    name: 'query-api',
    logger,
    openapi: queryApiOpenapi,
    guards,
    routes: walletRoutes({ reads: createWalletReads(pool), access, position: createPostgresPosition({ pool, group: ledgerGroup }), consistencyTimeout }),
    readiness: [
      {
        name: 'postgres',
        check: async () => {
          await pool.query('SELECT 1');
        },
      },
      {
        name: 'redis',
        check: async () => {
          await redis.ping();
        },
      },
    ],
  });
}
