import type { KafkaMessage, Message } from 'kafkajs';
import { ThalwegError } from '../errors/index.ts';
import type { StateChange } from './partition-state.ts';

/**
 * The key under which a partition's state records the next input offset it has decided. It is
 * written with every batch, in the same transaction as the state and the outputs, so the state
 * always says where deciding resumes.
 */
export const INPUT_OFFSET_KEY = '~input-offset';

/**
 * A changelog record: the state key as the message key, the value as JSON, a deletion as a
 * tombstone (null value) that compaction eventually removes. The changelog is the processor's
 * private state, not a contract between services, so it is JSON rather than registered Avro
 * (docs/decisions.md).
 */
export function changelogMessage(partition: number, [key, value]: StateChange): Message & { partition: number } {
  return {
    key,
    value: value === null ? null : Buffer.from(JSON.stringify(value)),
    partition,
    headers: { 'content-type': 'application/json' },
  };
}

/** Reads a changelog record back; one that is not ours is a broken changelog, never skipped. */
export function readChangelogRecord(topic: string, partition: number, message: KafkaMessage): StateChange {
  const key = message.key?.toString('utf8');
  if (!key) throw new ThalwegError('THALWEG_STATE_CORRUPT', `${topic}/${partition}@${message.offset}: a changelog record without a key`);
  if (message.value === null) return [key, null];
  try {
    return [key, JSON.parse(message.value.toString('utf8'))];
  } catch (error) {
    throw new ThalwegError('THALWEG_STATE_CORRUPT', `${topic}/${partition}@${message.offset}: the changelog value of ${key} is not JSON`, { cause: error });
  }
}
