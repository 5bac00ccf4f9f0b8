import { httpSettings, integer, kafkaSettings, logSettings, mongoSettings, readConfig, string } from '@thalweg/platform/config';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      ...httpSettings(4013),
      ...kafkaSettings,
      ...mongoSettings,
      ...logSettings,
      group: string('THALWEG_CONSUMER_GROUP', { default: 'projector-mongo', description: 'Consumer group id; the topics are those whose spec lists projector-mongo' }),
      concurrency: integer('THALWEG_PARTITIONS_CONCURRENCY', { default: 3, min: 1, max: 64, description: 'Partitions processed in parallel by one instance' }),
    },
    env,
  );
}
