import type { Redis } from 'ioredis';
import type { CommandOutcomes } from '@thalweg/platform/commands';
import type { ConsistencyTokens, Publisher } from '@thalweg/platform/events';
import { createApiSecurity, createIdempotency, createServiceApp, mountRoutes, type ApiSecuritySettings, type ReadinessCheck } from '@thalweg/platform/http';
import type { Logger } from '@thalweg/platform/telemetry';
import { commandRoutes } from './command-routes.ts';
import { ledgerCommands } from './ledger-answer.ts';
import { commandApiContracts, commandApiOpenapi } from './openapi.ts';
import { createUserDirectory } from './user-directory.ts';
import { userRoutes } from './user-routes.ts';
import { createWalletDirectory } from './wallet-directory.ts';
import { walletRoutes } from './wallet-routes.ts';

export interface CommandApiDependencies {
  publisher: Publisher;
  redis: Redis;
  /** Each command's status, recorded from the outcomes the ledger processor writes. */
  outcomes: CommandOutcomes;
  logger: Logger;
  security: ApiSecuritySettings;
  /** Signs the consistency tokens commands answer with. */
  tokens: ConsistencyTokens;
  idempotencyTtl?: number; // s
  /** The longest `Prefer: wait` honoured. */
  waitMax?: number; // s
  /** More readiness checks (the outcome recorder's consumer). */
  readiness?: ReadinessCheck[];
  clock?: () => Date;
}

/** The command API as an express app; main.ts wires it to real clients, tests too. */
export function createCommandApi({ publisher, redis, outcomes, logger, security, tokens, idempotencyTtl, waitMax = 30, readiness = [], clock }: CommandApiDependencies) {
  const { guards, access } = createApiSecurity({ service: 'command-api', settings: security, redis, logger });
  const idempotency = createIdempotency({ redis, logger, ...(idempotencyTtl ? { ttlSeconds: idempotencyTtl } : {}) });
  const answer = ledgerCommands({ publisher, outcomes, idempotency, tokens, waitMax });
  const wallets = walletRoutes({ answer, access, directory: createWalletDirectory(redis), ...(clock ? { clock } : {}) });
  const commands = commandRoutes({ outcomes, access, tokens, waitMax });
  const users = userRoutes({ publisher, access, idempotency, tokens, directory: createUserDirectory(redis), ...(clock ? { clock } : {}) });
  return createServiceApp({
    name: 'command-api',
    logger,
    openapi: commandApiOpenapi,
    guards,
    routes: mountRoutes(commandApiContracts, [...wallets, ...commands, ...users]),
    readiness: [
      { name: 'kafka', check: () => publisher.connect() },
      {
        name: 'redis',
        check: async () => {
          await redis.ping();
        },
      },
      ...readiness,
    ],
  });
}
