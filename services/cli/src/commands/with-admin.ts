import { ThalwegError } from '@thalweg/platform/errors';
import { createKafka } from '@thalweg/platform/kafka';
import type { CliContext } from '../cli-context.ts';

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

/** Runs `work` with a connected admin client, disconnected afterwards whatever happens. */
export async function withAdmin<T>(context: CliContext, work: (admin: Admin) => Promise<T>): Promise<T> {
  const brokers = context.brokers();
  const admin = createKafka({ brokers, sasl: context.kafkaSasl(), clientId: 'thalweg-cli', overrides: { retry: { initialRetryTime: 300, retries: 3 } } }).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `cannot connect to Kafka at ${brokers.join(',')}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
