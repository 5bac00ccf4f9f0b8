import { databaseSettings, httpSettings, integer, kafkaSettings, logSettings, readConfig, string } from '@thalweg/platform/config';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      ...httpSettings(4011),
      ...kafkaSettings,
      ...databaseSettings,
      ...logSettings,
      group: string('THALWEG_CONSUMER_GROUP', { default: 'projector-postgres', description: 'Consumer group id; the topics are those whose spec lists projector-postgres' }),
      // As many as the ledger topic has partitions: a set-based batch is applied in less time than
      // the next one takes to fetch and decode, so with 3 at once the database sat idle half the
      // time (docs/benchmarks.md). A connection each, and two to spare.
      concurrency: integer('THALWEG_PARTITIONS_CONCURRENCY', { default: 6, min: 1, max: 64, description: 'Partitions processed in parallel by one instance' }),
      poolSize: integer('THALWEG_DATABASE_POOL_SIZE', { default: 8, min: 1, max: 100, description: 'PostgreSQL connections' }),
    },
    env,
  );
}

export type ProjectorConfig = ReturnType<typeof loadConfig>;
