import { derivedTopic, derivedTopicName, type DesiredTopic, type SourceSpec } from './derived-topic.ts';

/** Dead letters are kept 30 days: long enough to notice, fix and replay, short enough to purge PII. */
export const deadLetterRetentionMs = 30 * 24 * 60 * 60 * 1000; // 2_592_000_000 ms

/** The dead letter topic of one consumer group on one topic: `<topic>.<group>.dlq`. */
export function deadLetterTopicName(topic: string, group: string): string {
  return derivedTopicName(topic, group, 'dlq');
}

export function isDeadLetterTopicName(name: string): boolean {
  return name.endsWith('.dlq');
}

/**
 * The dead letter topics derived from a spec, one per consumer group: same partition count
 * and replication as the topic, delete policy, 30 days' retention. The message size limit and
 * min ISR follow the topic so a dead letter always fits and is as durable as its source.
 */
export function deadLetterTopicsFor(spec: SourceSpec): DesiredTopic[] {
  return spec.consumers.map(({ group }) => ({
    ...derivedTopic(spec, deadLetterTopicName(spec.name, group), { 'cleanup.policy': 'delete', 'retention.ms': String(deadLetterRetentionMs) }),
    deadLetterOf: { topic: spec.name, group },
  }));
}
