import type { KafkaSasl } from '../kafka/index.ts';
import { loadTopicSpecs } from '../topics/index.ts';
import { testStack } from './test-stack.ts';

/** The native dev stack's password of a Kafka principal (compose/native/components/kafka.sh). Development only. */
export function devKafkaPassword(principal: string): string {
  return `${principal}-kafka-dev-secret`;
}

/** The dev stack's SASL identity of a principal, with the stack's mechanism. */
export function devKafkaSasl(principal: string): KafkaSasl {
  return { mechanism: testStack.kafkaSasl?.mechanism ?? 'scram-sha-512', username: principal, password: devKafkaPassword(principal) };
}

/**
 * The Kafka settings a service runs with under test: its own principal when the topic specs name
 * it (as a producer or a consumer group) and the stack authenticates clients; nothing otherwise
 * (query-api never talks to Kafka, and a stack without SASL needs no identity).
 */
export function serviceKafkaEnv(service: string): Record<string, string> {
  if (!testStack.kafkaSasl) return {};
  const principals = new Set(loadTopicSpecs().all().flatMap((spec) => [...spec.producers, ...spec.consumers.map((consumer) => consumer.group)]));
  if (!principals.has(service)) return {};
  const sasl = devKafkaSasl(service);
  return { THALWEG_KAFKA_USERNAME: sasl.username, THALWEG_KAFKA_PASSWORD: sasl.password, THALWEG_KAFKA_SASL_MECHANISM: sasl.mechanism };
}
