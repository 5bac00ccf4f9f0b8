import { ThalwegError } from '../errors/index.ts';

export type SaslMechanismName = 'scram-sha-512' | 'scram-sha-256' | 'plain';

/** Who a client is to the brokers. */
export interface KafkaSasl {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

/**
 * The SASL identity from the Kafka settings (`kafkaSettings` in config): none when the username is
 * empty, for brokers without authentication. A username without a password fails at start-up,
 * naming the variable, instead of as an authentication error at the first request.
 */
export function kafkaSasl({ kafkaUsername, kafkaPassword, kafkaSaslMechanism = 'scram-sha-512' }: { kafkaUsername: string; kafkaPassword: string; kafkaSaslMechanism?: SaslMechanismName }): KafkaSasl | undefined {
  if (kafkaUsername === '') return undefined;
  if (kafkaPassword === '') {
    throw new ThalwegError('THALWEG_CONFIG_INVALID', `THALWEG_KAFKA_PASSWORD: is required when THALWEG_KAFKA_USERNAME is set (${kafkaUsername})`, {
      details: { variable: 'THALWEG_KAFKA_PASSWORD' },
    });
  }
  return { mechanism: kafkaSaslMechanism, username: kafkaUsername, password: kafkaPassword };
}
