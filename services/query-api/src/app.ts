import type pg from 'pg';
import { anonymousIdentity } from '@thalweg/platform/auth';
import { createServiceApp } from '@thalweg/platform/http';
import { createPostgresPosition } from '@thalweg/platform/projection';
import type { Logger } from '@thalweg/platform/telemetry';
import { queryApiOpenapi } from './openapi.ts';
import { createWalletReads } from './wallet-reads.ts';
import { walletRoutes } from './wallet-routes.ts';

export interface QueryApiDependencies {
  pool: pg.Pool;
  logger: Logger;
  /** The ledger projection's consumer group, whose offsets answer consistency tokens. */
  ledgerGroup: string;
  consistencyTimeout: number; // ms
}

/** The query API as an express app; main.ts wires it to real clients, tests too. */
export function createQueryApi({ pool, logger, ledgerGroup, consistencyTimeout }: QueryApiDependencies) {
  return createServiceApp({
    name: 'query-api',
    logger,
    openapi: queryApiOpenapi,
    guards: [anonymousIdentity()],
    routes: walletRoutes({ reads: createWalletReads(pool), position: createPostgresPosition({ pool, group: ledgerGroup }), consistencyTimeout }),
    readiness: [
      {
        name: 'postgres',
        check: async () => {
          await pool.query('SELECT 1');
        },
      },
    ],
  });
}
