import { consistencyTokenSettings, databaseSettings, httpSettings, integer, logSettings, mongoSettings, rateLimitSettings, readConfig, redisSettings, securitySettings, string } from '@thalweg/platform/config';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      ...httpSettings(4002),
      ...databaseSettings,
      ...mongoSettings,
      ...redisSettings,
      ...securitySettings,
      ...consistencyTokenSettings,
      ...rateLimitSettings,
      ...logSettings,
      ledgerGroup: string('THALWEG_LEDGER_PROJECTION_GROUP', { default: 'projector-postgres', description: 'Consumer group whose applied offsets answer consistency tokens' }),
      userGroup: string('THALWEG_USER_PROJECTION_GROUP', { default: 'projector-mongo', description: 'Consumer group whose applied offsets answer consistency tokens of user reads' }),
      consistencyTimeout: integer('THALWEG_CONSISTENCY_TIMEOUT_MS', { default: 5_000, min: 0, max: 60_000, description: 'How long a read waits for its consistency token (ms)' }),
    },
    env,
  );
}

export type QueryApiConfig = ReturnType<typeof loadConfig>;
