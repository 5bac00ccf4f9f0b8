import type { Redis } from 'ioredis';
import type { Publisher } from '@thalweg/platform/events';
import { createApiSecurity, createIdempotency, createServiceApp, type ApiSecuritySettings } from '@thalweg/platform/http';
import type { Logger } from '@thalweg/platform/telemetry';
import { commandApiOpenapi } from './openapi.ts';
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
  return createServiceApp({
    name: 'command-api',
    logger,
    openapi: commandApiOpenapi,
    guards,
    routes: walletRoutes({
      publisher,
      access,
      directory: createWalletDirectory(redis),
      idempotency: createIdempotency({ redis, ...(idempotencyTtl ? { ttlSeconds: idempotencyTtl } : {}) }),
      ...(clock ? { clock } : {}),
    }),
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
