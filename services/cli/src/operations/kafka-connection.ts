import { createKafka, type KafkaSasl } from '@thalweg/platform/kafka';
import { errorText } from './error-text.ts';
import type { KafkaAdmin } from './kafka-offsets.ts';

export type KafkaConnection = { state: 'reachable'; brokers: string[]; admin: KafkaAdmin; close(): Promise<void> } | { state: 'unreachable'; brokers: string[]; error: string };

/**
 * An admin client for status commands: short timeouts and one retry, so an unreachable Kafka is
 * reported within seconds instead of after the services' patient defaults.
 */
export async function connectKafkaAdmin({ brokers, sasl }: { brokers: string[]; sasl: KafkaSasl | undefined }): Promise<KafkaConnection> {
  const admin = createKafka({
    brokers,
    sasl,
    clientId: 'thalweg-cli',
    overrides: { connectionTimeout: 1_500, requestTimeout: 5_000, retry: { initialRetryTime: 200, retries: 1 } }, // ms
  }).admin();
  try {
    await admin.connect();
    return { state: 'reachable', brokers, admin, close: () => admin.disconnect().catch(() => {}) };
  } catch (error) {
    await admin.disconnect().catch(() => {});
    return { state: 'unreachable', brokers, error: errorText(error) };
  }
}
