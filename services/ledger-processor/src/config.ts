import { httpSettings, integer, kafkaSettings, logSettings, readConfig, string } from '@thalweg/platform/config';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      ...httpSettings(4014),
      ...kafkaSettings,
      ...logSettings,
      group: string('THALWEG_CONSUMER_GROUP', {
        default: 'ledger-processor',
        description: 'Consumer group id; also names the changelog topics and prefixes the transactional ids. The inputs are the topics whose spec lists ledger-processor',
      }),
      concurrency: integer('THALWEG_PARTITIONS_CONCURRENCY', { default: 6, min: 1, max: 64, description: 'Partitions decided in parallel by one instance' }),
      sessionTimeout: integer('THALWEG_SESSION_TIMEOUT_MS', {
        default: 30_000,
        min: 6_000,
        max: 300_000,
        description: "How long the group waits for a silent instance before its partitions go to another (ms): the failover time after a crash",
      }),
    },
    env,
  );
}

export type LedgerProcessorConfig = ReturnType<typeof loadConfig>;
