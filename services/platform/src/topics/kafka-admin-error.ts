import { ThalwegError } from '../errors/index.ts';

const unavailableNames = new Set(['KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError']);

/**
 * A failed admin call as a Thalweg error: an unreachable or timing-out cluster is
 * THALWEG_KAFKA_UNAVAILABLE (retriable); a refusal by Kafka (invalid config, replication factor
 * above the broker count, policy) means the spec asks for something the cluster will not do.
 */
export function kafkaAdminError(error: unknown, what: string): ThalwegError {
  if (error instanceof ThalwegError) return error;
  const { name, message, retriable, type } = (error ?? {}) as { name?: string; message?: string; retriable?: boolean; type?: string };
  const cause = (error as { cause?: { name?: string } } | undefined)?.cause;
  const detail = `${message ?? String(error)}${type ? ` (${type})` : ''}`;
  if (unavailableNames.has(name ?? '') || unavailableNames.has(cause?.name ?? '') || retriable === true) {
    return new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `${what}: Kafka unavailable: ${detail}`, { cause: error });
  }
  return new ThalwegError('THALWEG_TOPIC_SPEC_INVALID', `${what}: refused by Kafka: ${detail}`, { cause: error, details: { kafkaError: type } });
}
