import kafkajs from 'kafkajs';
import type { Kafka, KafkaConfig, logLevel as LogLevelEnum, SASLOptions } from 'kafkajs';
import type { Logger } from '../telemetry/index.ts';
import type { KafkaSasl } from './sasl-settings.ts';

const { Kafka: KafkaClass, logLevel } = kafkajs;

export interface KafkaClientOptions {
  brokers: string[];
  clientId?: string;
  logger?: Logger;
  /** The client's identity; none for brokers without authentication (see `kafkaSasl`). */
  sasl?: KafkaSasl;
  /** Extra kafkajs settings (SSL, timeouts). */
  overrides?: Partial<KafkaConfig>;
}

/** Routes kafkajs' own log lines into the service's JSON logger. */
function logCreator(logger: Logger) {
  return () =>
    ({ level, log }: { level: LogLevelEnum; log: { message: string } & Record<string, unknown> }) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      if (level === logLevel.ERROR) logger.error(message, { kafka: fields });
      else if (level === logLevel.WARN) logger.warn(message, { kafka: fields });
      else logger.debug(message, { kafka: fields });
    };
}

/** The one place a kafkajs client is made, so every service connects the same way. */
export function createKafka({ brokers, clientId = 'thalweg', logger, sasl, overrides = {} }: KafkaClientOptions): Kafka {
  if (brokers.length === 0) throw new Error('createKafka: at least one broker is required');
  if (sasl && (!sasl.username || !sasl.password)) throw new Error('createKafka: SASL needs a username and a password');
  return new KafkaClass({
    clientId,
    brokers,
    connectionTimeout: 3_000, // ms
    requestTimeout: 30_000, // ms
    retry: { initialRetryTime: 300, retries: 8 }, // ms, attempts
    // SASL without TLS suits the native stack on 127.0.0.1; a deployment adds `ssl` through overrides.
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    ...(logger ? { logCreator: logCreator(logger) } : {}),
    ...overrides,
  });
}
