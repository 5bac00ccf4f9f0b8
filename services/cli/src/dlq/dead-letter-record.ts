import type { IHeaders, KafkaMessage } from 'kafkajs';
import { deadLetterHeaders } from '@thalweg/platform/projection';
import { headerText } from '@thalweg/platform/events';
import { originalCoordinates, replayHeaders, type RecordCoordinates } from '@thalweg/platform/topics';

/** One dead letter as read from its topic: where it is, where it came from, why it failed. */
export interface DeadLetter {
  /** The dead letter's own place: what the operator names and what actions refer to. */
  at: RecordCoordinates;
  /** Where the event was first written: the original topic, also for a replay that failed again. */
  origin: RecordCoordinates;
  group: string;
  code: string;
  error: string;
  attempts: number;
  /** When it was dead-lettered. */
  time: Date;
  /** How often the event has been replayed before it failed this time. */
  replays: number;
  key: Buffer | null;
  value: Buffer | null;
  /** The event's own headers, without those the dead letter topic and replays added. */
  eventHeaders: IHeaders;
}

/** `<topic>/<partition>/<offset>`: one dead letter's name in actions and output. */
export const deadLetterKey = ({ topic, partition, offset }: RecordCoordinates) => `${topic}/${partition}/${offset}`;

const operationalHeader = (name: string) => name.startsWith('thalweg_dlq_') || name.startsWith('thalweg_replay_');

/** The headers the event was published with: what a replay hands back to the projector. */
export function eventHeadersOf(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !operationalHeader(name))) as IHeaders;
}

/**
 * Reads a dead letter's headers. A record missing them (written by hand, or by an older runtime)
 * is still listed, under the code `unknown` and the dead letter topic's group, never dropped.
 */
export function readDeadLetter(topic: string, partition: number, message: KafkaMessage, topicGroup: string): DeadLetter {
  const text = (name: string) => headerText(message.headers, name);
  const failedTopic = text(deadLetterHeaders.topic);
  const failedPartition = Number(text(deadLetterHeaders.partition));
  const failedOffset = text(deadLetterHeaders.offset);
  const at = { topic, partition, offset: message.offset };
  const failedAt = failedTopic && Number.isInteger(failedPartition) && failedOffset ? { topic: failedTopic, partition: failedPartition, offset: failedOffset } : undefined;
  const time = new Date(text(deadLetterHeaders.time) ?? Number(message.timestamp));
  return {
    at,
    // A replay that failed again was read from the retry topic; its replay headers name the original.
    origin: failedAt ? originalCoordinates(failedAt, message.headers) : at,
    group: text(deadLetterHeaders.group) ?? topicGroup,
    code: text(deadLetterHeaders.errorCode) ?? 'unknown',
    error: text(deadLetterHeaders.errorMessage) ?? '',
    attempts: Number(text(deadLetterHeaders.attempts) ?? 0),
    time: Number.isNaN(time.getTime()) ? new Date(Number(message.timestamp)) : time,
    replays: Number(text(replayHeaders.count) ?? 0) || 0,
    key: message.key,
    value: message.value,
    eventHeaders: eventHeadersOf(message.headers),
  };
}
