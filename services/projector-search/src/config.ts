import { httpSettings, integer, kafkaSettings, logSettings, readConfig, string } from '@thalweg/platform/config';
import { checkSearchSettings, searchSettings } from '@thalweg/platform/search';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(
    {
      ...httpSettings(4012),
      ...kafkaSettings,
      ...searchSettings,
      ...logSettings,
      group: string('THALWEG_CONSUMER_GROUP', { default: 'projector-search', description: 'Consumer group id; the topics are those whose spec lists projector-search' }),
      concurrency: integer('THALWEG_PARTITIONS_CONCURRENCY', { default: 3, min: 1, max: 64, description: 'Partitions processed in parallel by one instance' }),
      poolSize: integer('THALWEG_DATABASE_POOL_SIZE', { default: 5, min: 1, max: 100, description: 'PostgreSQL connections (postgres search backend)' }),
    },
    env,
  );
  checkSearchSettings(config);
  return config;
}

export type ProjectorConfig = ReturnType<typeof loadConfig>;
