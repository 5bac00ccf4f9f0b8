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
