import type { IHeaders, Producer } from 'kafkajs';
import type { RejectedRecord } from './projection-types.ts';

/** Headers a dead letter carries on top of the original ones, naming where it came from and why. */
export const deadLetterHeaders = {
  topic: 'thalweg_dlq_original_topic',
  partition: 'thalweg_dlq_original_partition',
  offset: 'thalweg_dlq_original_offset',
  group: 'thalweg_dlq_group',
  errorCode: 'thalweg_dlq_error_code',
  errorMessage: 'thalweg_dlq_error_message',
  attempts: 'thalweg_dlq_attempts',
  time: 'thalweg_dlq_time',
} as const;

export interface DeadLetterContext {
  group: string;
  topic: string;
  partition: number;
  attempts: number;
}

/**
 * The dead letter keeps the original key, value and headers byte for byte, so it can be replayed.
 * Its timestamp is Kafka's (now): the event's own would let retention remove the dead letter of an
 * old event as soon as it is written; the event's time stays in its headers.
 */
export function deadLetterMessage({ group, topic, partition, attempts }: DeadLetterContext, { offset, message, error }: RejectedRecord) {
  const headers: IHeaders = {
    ...(message.headers ?? {}),
    [deadLetterHeaders.topic]: topic,
    [deadLetterHeaders.partition]: String(partition),
    [deadLetterHeaders.offset]: offset,
    [deadLetterHeaders.group]: group,
    [deadLetterHeaders.errorCode]: error.code,
    [deadLetterHeaders.errorMessage]: error.message.slice(0, 2_000),
    [deadLetterHeaders.attempts]: String(attempts),
    [deadLetterHeaders.time]: new Date().toISOString(),
  };
  return { key: message.key, value: message.value, headers };
}

export async function sendDeadLetters(
  producer: Producer,
  deadLetterTopic: string,
  context: DeadLetterContext,
  rejected: RejectedRecord[],
): Promise<void> {
  if (rejected.length === 0) return;
  await producer.send({ topic: deadLetterTopic, acks: -1, messages: rejected.map((record) => deadLetterMessage(context, record)) });
}
