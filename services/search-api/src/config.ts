import { httpSettings, integer, logSettings, rateLimitSettings, readConfig, redisSettings, securitySettings } from '@thalweg/platform/config';
import { checkSearchSettings, searchSettings } from '@thalweg/platform/search';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(
    {
      ...httpSettings(4003),
      ...searchSettings,
      ...redisSettings,
      ...securitySettings,
      ...rateLimitSettings,
      ...logSettings,
      poolSize: integer('THALWEG_DATABASE_POOL_SIZE', { default: 10, min: 1, max: 100, description: 'PostgreSQL connections (postgres search backend)' }),
    },
    env,
  );
  checkSearchSettings(config);
  return config;
}

export type SearchApiConfig = ReturnType<typeof loadConfig>;
