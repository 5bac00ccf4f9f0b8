import { ThalwegError } from '../errors/index.ts';
import { integer, list, oneOf, optionalString, string } from './env-reader.ts';

/** Settings shared by every service that talks to the backbone, with the native stack's defaults. */
export const kafkaSettings = {
  kafkaBrokers: list('THALWEG_KAFKA_BROKERS', { default: ['127.0.0.1:9092'], description: 'Kafka bootstrap servers' }),
  registryUrl: string('THALWEG_REGISTRY_URL', {
    default: 'http://127.0.0.1:8085/apis/ccompat/v7',
    description: 'Confluent-compatible schema registry URL',
  }),
  kafkaUsername: optionalString('THALWEG_KAFKA_USERNAME', { description: 'SASL principal; empty: no SASL, for brokers without authentication' }),
  kafkaPassword: optionalString('THALWEG_KAFKA_PASSWORD', { description: 'SASL password of THALWEG_KAFKA_USERNAME' }),
  kafkaSaslMechanism: oneOf('THALWEG_KAFKA_SASL_MECHANISM', ['scram-sha-512', 'scram-sha-256', 'plain'] as const, {
    default: 'scram-sha-512',
    description: 'SASL mechanism, used when THALWEG_KAFKA_USERNAME is set',
  }),
};

export const databaseSettings = {
  databaseUrl: string('THALWEG_DATABASE_URL', {
    default: 'postgres://thalweg:thalweg@127.0.0.1:5432/thalweg',
    description: 'PostgreSQL connection URL',
  }),
};

/** Where MongoDB projections live: MongoDB itself, or FerretDB in the native stack (docs/mongodb.md). */
export const mongoSettings = {
  mongodbUrl: string('THALWEG_MONGODB_URL', {
    default: 'mongodb://127.0.0.1:27017/thalweg',
    description: 'MongoDB connection URL; its path names the database',
  }),
};

export const redisSettings = {
  redisUrl: string('THALWEG_REDIS_URL', { default: 'redis://127.0.0.1:6379', description: 'Redis URL' }),
};

export const logSettings = {
  logLevel: oneOf('THALWEG_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export const httpSettings = (defaultPort: number) => ({
  port: integer('THALWEG_PORT', { default: defaultPort, min: 1, max: 65_535, description: 'HTTP port' }),
  host: string('THALWEG_HOST', { default: '127.0.0.1', description: 'HTTP bind address' }),
});

/** Who checks tokens and who decides: Keycloak and OPA. */
export const securitySettings = {
  keycloakUrl: string('THALWEG_KEYCLOAK_URL', { default: 'http://127.0.0.1:8080', description: 'Keycloak base URL as token issuers name it' }),
  keycloakRealm: string('THALWEG_KEYCLOAK_REALM', { default: 'thalweg', description: 'Keycloak realm whose tokens are accepted' }),
  tokenAudience: string('THALWEG_TOKEN_AUDIENCE', { default: 'thalweg-api', description: 'Audience every access token must carry' }),
  keycloakTimeoutMs: integer('THALWEG_KEYCLOAK_TIMEOUT_MS', { default: 2_000, min: 10, max: 30_000, description: "A token whose signing keys are not fetched within this is a 503 (ms)" }),
  opaUrl: string('THALWEG_OPA_URL', { default: 'http://127.0.0.1:8181', description: 'OPA base URL' }),
  opaTimeoutMs: integer('THALWEG_OPA_TIMEOUT_MS', { default: 500, min: 10, max: 10_000, description: 'A policy decision not given within this is a 503 (ms)' }),
  opaCacheMs: integer('THALWEG_OPA_CACHE_MS', { default: 2_000, min: 0, max: 60_000, description: 'How long an identical policy question keeps its answer (ms)' }),
};

/** Requests per caller and window, counted in Redis across instances. */
export const rateLimitSettings = {
  rateLimitWindowSeconds: integer('THALWEG_RATE_LIMIT_WINDOW_SECONDS', { default: 60, min: 1, max: 3_600, description: 'Rate limit window (s)' }),
  rateLimitReads: integer('THALWEG_RATE_LIMIT_READS', { default: 600, min: 1, description: 'Reads per caller and window' }),
  rateLimitWrites: integer('THALWEG_RATE_LIMIT_WRITES', { default: 120, min: 1, description: 'Writes per caller and window' }),
};

/**
 * Where the metrics and the traces can be read (the CLI and the tests ask them; the services push
 * traces with the standard OTEL_* variables and are scraped for their metrics).
 */
export const observabilitySettings = {
  prometheusUrl: string('THALWEG_PROMETHEUS_URL', { default: 'http://127.0.0.1:9090', description: 'Prometheus base URL (its HTTP API)' }),
  tracesUrl: string('THALWEG_TRACES_URL', { default: 'http://127.0.0.1:16686', description: "The trace backend's query API (Jaeger)" }),
};

/**
 * The keys consistency tokens are signed with: command-api signs, query-api verifies, so both
 * read the same variables. No default secret; a rotation sets the new key and moves the old one to
 * the previous key until the tokens it signed are of no use (minutes).
 */
export const consistencyTokenSettings = {
  consistencyTokenKey: optionalString('THALWEG_CONSISTENCY_TOKEN_KEY', { description: 'HMAC-SHA256 key consistency tokens are signed with, at least 32 characters; required' }),
  consistencyTokenPreviousKey: optionalString('THALWEG_CONSISTENCY_TOKEN_PREVIOUS_KEY', { description: 'The key before a rotation: tokens it signed are still accepted' }),
};

/** The signing keys from those settings; an unset key stops the service at start-up, naming the variable. */
export function consistencyTokenKeys({ consistencyTokenKey, consistencyTokenPreviousKey }: { consistencyTokenKey: string; consistencyTokenPreviousKey: string }): { key: string; previousKey?: string } {
  if (consistencyTokenKey === '') {
    throw new ThalwegError('THALWEG_CONFIG_INVALID', 'THALWEG_CONSISTENCY_TOKEN_KEY: is required (consistency tokens are signed with it)', { details: { variable: 'THALWEG_CONSISTENCY_TOKEN_KEY' } });
  }
  return { key: consistencyTokenKey, ...(consistencyTokenPreviousKey ? { previousKey: consistencyTokenPreviousKey } : {}) };
}
