import { deadLetterRetentionMs, deadLetterTopicName } from './dead-letter-topics.ts';
import { derivedTopic, derivedTopicName, type DerivedFrom, type DesiredTopic, type SourceSpec } from './derived-topic.ts';

/**
 * The retry topic of one consumer group on one topic: `<topic>.<group>.retry`. Replayed dead
 * letters go there, not back onto the topic, so only the group that failed them sees them again.
 */
export function retryTopicName(topic: string, group: string): string {
  return derivedTopicName(topic, group, 'retry');
}

export function isRetryTopicName(name: string): boolean {
  return name.endsWith('.retry');
}

/**
 * The topic and group a retry topic belongs to; undefined for any other name. Group names hold no
 * dot and declared topic names end in `.v<N>`, so the last two segments are the group and `retry`.
 */
export function retryTopicSource(name: string): DerivedFrom | undefined {
  if (!isRetryTopicName(name)) return undefined;
  const parts = name.split('.');
  if (parts.length < 3) return undefined;
  return { topic: parts.slice(0, -2).join('.'), group: parts.at(-2)! };
}

/**
 * Where a group's dead letters from `topic` go: `<topic>.<group>.dlq`, and for a record read from
 * the group's retry topic the dead letter topic of the original topic, so a dead letter that fails
 * again is found where the operator looked for it the first time.
 */
export function deadLetterTopicOf(topic: string, group: string): string {
  return deadLetterTopicName(retryTopicSource(topic)?.topic ?? topic, group);
}

/** A group's topics with their retry topics: what a projector that takes replays subscribes to. */
export function withRetryTopics(topics: string[], group: string): string[] {
  return [...topics, ...topics.map((topic) => retryTopicName(topic, group))];
}

/**
 * The retry topics derived from a spec, one per consumer group: same partition count and
 * replication as the topic, since a replayed record goes back to its original partition number
 * (its key's partition, so per-key order among replays holds), and the dead letters' delete policy
 * and retention, since a replay lives as long as what it replays.
 */
export function retryTopicsFor(spec: SourceSpec): DesiredTopic[] {
  return spec.consumers.map(({ group }) => ({
    ...derivedTopic(spec, retryTopicName(spec.name, group), { 'cleanup.policy': 'delete', 'retention.ms': String(deadLetterRetentionMs) }),
    retryOf: { topic: spec.name, group },
  }));
}
