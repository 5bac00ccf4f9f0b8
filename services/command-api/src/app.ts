import type { Redis } from 'ioredis';
import type { Publisher } from '@thalweg/platform/events';
import { createApiSecurity, createIdempotency, createServiceApp, type ApiSecuritySettings } from '@thalweg/platform/http';
import type { Logger } from '@thalweg/platform/telemetry';
import { commandApiOpenapi } from './openapi.ts';
import { createUserDirectory } from './user-directory.ts';
import { userRoutes } from './user-routes.ts';
import { createWalletDirectory } from './wallet-directory.ts';
import { walletRoutes } from './wallet-routes.ts';

export interface CommandApiDependencies {
  publisher: Publisher;
  redis: Redis;
  logger: Logger;
  security: ApiSecuritySettings;
  idempotencyTtl?: number; // s
  clock?: () => Date;
}

/** The command API as an express app; main.ts wires it to real clients, tests too. */
export function createCommandApi({ publisher, redis, logger, security, idempotencyTtl, clock }: CommandApiDependencies) {
  const { guards, access } = createApiSecurity({ service: 'command-api', settings: security, redis, logger });
  const idempotency = createIdempotency({ redis, ...(idempotencyTtl ? { ttlSeconds: idempotencyTtl } : {}) });
  const common = { publisher, access, idempotency, ...(clock ? { clock } : {}) };
  const wallets = walletRoutes({ ...common, directory: createWalletDirectory(redis) });
  const users = userRoutes({ ...common, directory: createUserDirectory(redis) });
  return createServiceApp({
    name: 'command-api',
    logger,
    openapi: commandApiOpenapi,
    guards,
    routes: (router) => {
      wallets(router);
      users(router);
    },
    readiness: [
      { name: 'kafka', check: () => publisher.connect() },
      {
        name: 'redis',
        check: async () => {
          await redis.ping();
        },
      },
    ],
  });
}
