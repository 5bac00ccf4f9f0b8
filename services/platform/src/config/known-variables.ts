/**
 * Every THALWEG_ variable any Thalweg service reads, documented in .env.example (a test keeps the
 * two equal). A service rejects a THALWEG_ variable outside this list at start-up, so a typo
 * fails loudly, while one environment file can still serve every service.
 */
export const knownVariables: ReadonlySet<string> = new Set([
  'THALWEG_HOST',
  'THALWEG_PORT',
  'THALWEG_LOG_LEVEL',
  'THALWEG_KAFKA_BROKERS',
  'THALWEG_KAFKA_USERNAME',
  'THALWEG_KAFKA_PASSWORD',
  'THALWEG_KAFKA_SASL_MECHANISM',
  'THALWEG_REGISTRY_URL',
  'THALWEG_REDIS_URL',
  'THALWEG_IDEMPOTENCY_TTL_SECONDS',
  'THALWEG_DATABASE_URL',
  'THALWEG_LEDGER_PROJECTION_GROUP',
  'THALWEG_CONSISTENCY_TIMEOUT_MS',
  'THALWEG_CONSUMER_GROUP',
  'THALWEG_PARTITIONS_CONCURRENCY',
  'THALWEG_DATABASE_POOL_SIZE',
  'THALWEG_KEYCLOAK_URL',
  'THALWEG_KEYCLOAK_REALM',
  'THALWEG_TOKEN_AUDIENCE',
  'THALWEG_OPA_URL',
  'THALWEG_OPA_TIMEOUT_MS',
  'THALWEG_OPA_CACHE_MS',
  'THALWEG_RATE_LIMIT_WINDOW_SECONDS',
  'THALWEG_RATE_LIMIT_READS',
  'THALWEG_RATE_LIMIT_WRITES',
]);
