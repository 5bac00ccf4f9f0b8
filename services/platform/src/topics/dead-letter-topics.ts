import type { TopicSpec } from './topic-spec.ts';

/** Dead letters are kept 30 days: long enough to notice, fix and replay, short enough to purge PII. */
export const deadLetterRetentionMs = 30 * 24 * 60 * 60 * 1000; // 2_592_000_000 ms

/** The dead letter topic of one consumer group on one topic: `<topic>.<group>.dlq`. */
export function deadLetterTopicName(topic: string, group: string): string {
  if (!topic || !group) throw new Error('deadLetterTopicName: topic and group are required');
  return `${topic}.${group}.dlq`;
}

export function isDeadLetterTopicName(name: string): boolean {
  return name.endsWith('.dlq');
}

/** A topic the plan manages: a declared one, or a dead letter topic derived from it. */
export interface DesiredTopic {
  name: string;
  partitions: number;
  /** As declared (production value); the plan caps it at the cluster's broker count. */
  replicationFactor: number;
  configs: Record<string, string>;
  /** Set on derived dead letter topics. */
  deadLetterOf?: { topic: string; group: string };
}

/**
 * The dead letter topics derived from a spec, one per consumer group: same partition count
 * and replication as the topic, delete policy, 30 days' retention. The message size limit and
 * min ISR follow the topic so a dead letter always fits and is as durable as its source.
 */
export function deadLetterTopicsFor(spec: Pick<TopicSpec, 'name' | 'partitions' | 'replicationFactor' | 'configs' | 'consumers'>): DesiredTopic[] {
  return spec.consumers.map(({ group }) => {
    const configs: Record<string, string> = { 'cleanup.policy': 'delete', 'retention.ms': String(deadLetterRetentionMs) };
    for (const key of ['min.insync.replicas', 'max.message.bytes']) {
      const value = spec.configs[key];
      if (value !== undefined) configs[key] = value;
    }
    return {
      name: deadLetterTopicName(spec.name, group),
      partitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      configs,
      deadLetterOf: { topic: spec.name, group },
    };
  });
}

/** Every topic the specs manage: each declared topic followed by its dead letter topics. */
export function desiredTopics(specs: Iterable<TopicSpec>): DesiredTopic[] {
  const topics: DesiredTopic[] = [];
  for (const spec of specs) {
    topics.push({ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { ...spec.configs } });
    topics.push(...deadLetterTopicsFor(spec));
  }
  return topics;
}
