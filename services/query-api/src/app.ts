import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { MongoClient } from 'mongodb';
import { createCommandOutcomes } from '@thalweg/platform/commands';
import { createApiSecurity, createServiceApp, mountRoutes, type ApiSecuritySettings } from '@thalweg/platform/http';
import { createMongoGenerations, createMongoPosition, createPostgresPosition } from '@thalweg/platform/projection';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import type { Logger } from '@thalweg/platform/telemetry';
import { queryApiContracts, queryApiOpenapi } from './openapi.ts';
import { createUserReads } from './user-reads.ts';
import { userRoutes } from './user-routes.ts';
import { createWalletReads } from './wallet-reads.ts';
import { walletRoutes } from './wallet-routes.ts';
import type { ConsistencyTokens } from '@thalweg/platform/events';

export interface QueryApiDependencies {
  pool: pg.Pool;
  /** The user projection's MongoDB; its default database holds the projection's generations. */
  mongo: MongoClient;
  redis: Redis;
  logger: Logger;
  security: ApiSecuritySettings;
  /** The ledger projection's consumer group, whose offsets answer consistency tokens. */
  ledgerGroup: string;
  /** The user projection's consumer group. */
  userGroup: string;
  consistencyTimeout: number; // ms
  /** Verifies the consistency tokens the command API signed. */
  tokens: ConsistencyTokens;
}

/** The query API as an express app; main.ts wires it to real clients, tests too. */
export function createQueryApi({ pool, mongo, redis, logger, security, ledgerGroup, userGroup, consistencyTimeout, tokens }: QueryApiDependencies) {
  const db = mongo.db();
  // The user projection's live generation (a rebuild swaps it): where reads and tokens look.
  const userGenerations = createMongoGenerations({ client: mongo, database: db.databaseName, projection: 'identity', declaredGroup: userGroup });
  const { guards, access } = createApiSecurity({ service: 'query-api', settings: security, redis, logger });
  // What each projection reads, by the service the topic specs name (its group may differ).
  const specs = loadTopicSpecs();
  const outcomes = createCommandOutcomes({ redis });
  const wallets = walletRoutes({
    reads: createWalletReads(pool),
    access,
    consistency: { position: createPostgresPosition({ pool, group: ledgerGroup, table: 'ledger.projection_offsets' }), topics: specs.consumedBy('projector-postgres'), timeout: consistencyTimeout, outcomes, tokens },
  });
  const users = userRoutes({
    reads: createUserReads(() => userGenerations.serving()),
    access,
    consistency: { position: createMongoPosition({ serving: () => userGenerations.serving() }), topics: specs.consumedBy('projector-mongo'), timeout: consistencyTimeout, outcomes, tokens },
  });
  return createServiceApp({
    name: 'query-api',
    logger,
    openapi: queryApiOpenapi,
    guards,
    routes: mountRoutes(queryApiContracts, [...wallets, ...users]),
    readiness: [
      {
        name: 'postgres',
        check: async () => {
          await pool.query('SELECT 1');
        },
      },
      {
        name: 'mongodb',
        check: async () => {
          await db.command({ ping: 1 });
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
