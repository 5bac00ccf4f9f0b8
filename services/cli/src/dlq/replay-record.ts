import type { Message } from 'kafkajs';
import { replayHeaders, retryTopicName } from '@thalweg/platform/topics';
import { deadLetterTopicSource } from './dlq-topics.ts';
import type { DeadLetter } from './dead-letter-record.ts';
import type { Actor } from './dlq-actions.ts';

/** The record a replay writes: which retry topic and partition, and the message itself. */
export interface ReplayRecord {
  topic: string;
  partition: number;
  message: Message;
}

/**
 * The record that replays a dead letter onto its group's retry topic: that of the dead letter topic
 * it is on (`<topic>.<group>.dlq` -> `<topic>.<group>.retry`), whichever instance or generation of
 * the group wrote it (its group header may name a generation's own group id), with the event's key,
 * value and headers byte for byte, in the partition it was first written to (the retry topic has as many),
 * plus the replay headers: the original coordinates, the dead letter replayed, the count, who.
 * The timestamp is left to Kafka: the event's own time is in its headers, and an old one would
 * let the retry topic's retention delete the replay before the projector reads it.
 */
export function replayRecord(letter: DeadLetter, { by, reason, now }: { by: Actor; reason?: string; now: Date }): ReplayRecord {
  const headers = {
    ...letter.eventHeaders,
    [replayHeaders.count]: String(letter.replays + 1),
    [replayHeaders.originalTopic]: letter.origin.topic,
    [replayHeaders.originalPartition]: String(letter.origin.partition),
    [replayHeaders.originalOffset]: letter.origin.offset,
    [replayHeaders.deadLetterTopic]: letter.at.topic,
    [replayHeaders.deadLetterPartition]: String(letter.at.partition),
    [replayHeaders.deadLetterOffset]: letter.at.offset,
    [replayHeaders.by]: `${by.principal} (${by.user})`,
    [replayHeaders.time]: now.toISOString(),
    ...(reason ? { [replayHeaders.reason]: reason.slice(0, 2_000) } : {}),
  };
  const source = deadLetterTopicSource(letter.at.topic);
  if (!source) throw new Error(`${letter.at.topic} is not a dead letter topic name`);
  return { topic: retryTopicName(source.topic, source.group), partition: letter.origin.partition, message: { key: letter.key, value: letter.value, headers } };
}
