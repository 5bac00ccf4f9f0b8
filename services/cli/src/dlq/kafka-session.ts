import type { Admin, Kafka } from 'kafkajs';
import { ThalwegError } from '@thalweg/platform/errors';
import { createKafka } from '@thalweg/platform/kafka';
import type { CliContext } from '../cli-context.ts';

/** Runs `work` with a Kafka client as the operator and a connected admin, disconnected afterwards whatever happens. */
export async function withKafka<T>(context: CliContext, work: (kafka: Kafka, admin: Admin) => Promise<T>): Promise<T> {
  const brokers = context.brokers();
  const kafka = createKafka({ brokers, sasl: context.kafkaSasl(), clientId: 'thalweg-cli', overrides: { retry: { initialRetryTime: 300, retries: 3 } } });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `cannot connect to Kafka at ${brokers.join(',')}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await work(kafka, admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
