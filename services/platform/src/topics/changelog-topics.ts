import { derivedTopic, derivedTopicName, type DesiredTopic, type SourceSpec } from './derived-topic.ts';

/** The changelog topic of one stateful consumer group on one topic: `<topic>.<group>.changelog`. */
export function changelogTopicName(topic: string, group: string): string {
  return derivedTopicName(topic, group, 'changelog');
}

export function isChangelogTopicName(name: string): boolean {
  return name.endsWith('.changelog');
}

/**
 * The changelog topics derived from a spec, one per stateful consumer group: same partition
 * count and replication as the topic, since the state of source partition p lives in changelog
 * partition p, and compacted with no retention override, since the latest record of each key is
 * the state and must outlive any time limit. Min ISR and message size follow the topic.
 */
export function changelogTopicsFor(spec: SourceSpec): DesiredTopic[] {
  return spec.consumers
    .filter(({ stateful }) => stateful === true)
    .map(({ group }) => ({ ...derivedTopic(spec, changelogTopicName(spec.name, group), { 'cleanup.policy': 'compact' }), changelogOf: { topic: spec.name, group } }));
}
