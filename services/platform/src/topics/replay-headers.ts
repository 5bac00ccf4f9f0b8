import type { IHeaders } from 'kafkajs';
import { headerText } from '../events/cloud-event-headers.ts';
import { isRetryTopicName } from './retry-topics.ts';

/**
 * Headers a replayed record carries on the retry topic, on top of the original event's own: where
 * the event was first read (what the projection records as its source), which dead letter it
 * replays (so a second replay of the same dead letter is recognised), how often it has been
 * replayed, and who replayed it.
 */
export const replayHeaders = {
  count: 'thalweg_replay_count',
  originalTopic: 'thalweg_replay_original_topic',
  originalPartition: 'thalweg_replay_original_partition',
  originalOffset: 'thalweg_replay_original_offset',
  deadLetterTopic: 'thalweg_replay_dlq_topic',
  deadLetterPartition: 'thalweg_replay_dlq_partition',
  deadLetterOffset: 'thalweg_replay_dlq_offset',
  by: 'thalweg_replay_by',
  time: 'thalweg_replay_time',
  reason: 'thalweg_replay_reason',
} as const;

/** A record's place on a topic. */
export interface RecordCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Where a record read from `topic` was first written: for a replay read from a retry topic, the
 * coordinates its headers name; otherwise (or when they are missing or malformed) its own. Only a
 * retry topic's headers count, since only the operator writes retry topics.
 */
export function originalCoordinates(own: RecordCoordinates, headers: IHeaders | undefined): RecordCoordinates {
  if (!isRetryTopicName(own.topic)) return own;
  const topic = headerText(headers, replayHeaders.originalTopic);
  const partition = headerText(headers, replayHeaders.originalPartition);
  const offset = headerText(headers, replayHeaders.originalOffset);
  if (!topic || !partition || !/^\d+$/.test(partition) || !offset || !/^\d+$/.test(offset)) return own;
  return { topic, partition: Number(partition), offset };
}
