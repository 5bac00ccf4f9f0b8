import type { TopicSpec } from './topic-spec.ts';

/** Which declared topic and consumer group a derived topic belongs to. */
export interface DerivedFrom {
  topic: string;
  group: string;
}

/** A topic the plan manages: a declared one, or a dead letter, retry or changelog topic derived from it. */
export interface DesiredTopic {
  name: string;
  partitions: number;
  /** As declared (production value); the plan caps it at the cluster's broker count. */
  replicationFactor: number;
  configs: Record<string, string>;
  /** Set on derived dead letter topics. */
  deadLetterOf?: DerivedFrom;
  /** Set on derived changelog topics. */
  changelogOf?: DerivedFrom;
  /** Set on derived retry topics. */
  retryOf?: DerivedFrom;
}

/** What a derived topic takes from its source, in the spec's shape. */
export type SourceSpec = Pick<TopicSpec, 'name' | 'partitions' | 'replicationFactor' | 'configs' | 'consumers'>;

/** `<topic>.<group>.<kind>`: group names hold no dot, so no two derived names of a topic collide. */
export function derivedTopicName(topic: string, group: string, kind: string): string {
  if (!topic || !group) throw new Error(`the ${kind} topic name: topic and group are required`);
  return `${topic}.${group}.${kind}`;
}

/** The source a topic or plan action derives from; undefined for a declared topic. */
export function derivedFrom(topic: { deadLetterOf?: DerivedFrom; changelogOf?: DerivedFrom; retryOf?: DerivedFrom }): DerivedFrom | undefined {
  return topic.deadLetterOf ?? topic.changelogOf ?? topic.retryOf;
}

/**
 * A topic derived from `source` for one of its groups: the source's partition count and
 * replication, `configs`, and the source's min ISR and message size limit, so what is derived is
 * as durable as its source and any record of it fits.
 */
export function derivedTopic(source: SourceSpec, name: string, configs: Record<string, string>): DesiredTopic {
  const merged = { ...configs };
  for (const key of ['min.insync.replicas', 'max.message.bytes']) {
    const value = source.configs[key];
    if (value !== undefined) merged[key] = value;
  }
  return { name, partitions: source.partitions, replicationFactor: source.replicationFactor, configs: merged };
}
