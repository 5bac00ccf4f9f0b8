import type { TopicSpecs } from '@thalweg/platform/topics';
import { errorText } from './error-text.ts';
import type { KafkaAdmin } from './kafka-offsets.ts';
import { lagFrom, readCommittedOffsets, readTopicEnds, type TopicEnds } from './kafka-offsets.ts';

export interface GroupTopicLag {
  topic: string;
  /** Records the group has still to read on this topic; null when Kafka could not say. */
  lag: number | null;
  error?: string;
  partitions: Array<{ partition: number; end: number; committed: number | null; lag: number }>;
}

export interface GroupLag {
  group: string;
  lag: number | null;
  topics: GroupTopicLag[];
}

/** Every consumer group the topic specs declare, with the topics it reads, sorted by group. */
export function declaredGroups(specs: TopicSpecs): Array<{ group: string; topics: string[] }> {
  const groups = [...new Set(specs.all().flatMap((spec) => spec.consumers.map((consumer) => consumer.group)))].sort();
  return groups.map((group) => ({ group, topics: specs.consumedBy(group) }));
}

/**
 * Each declared group's lag per topic from Kafka alone: end offsets minus the group's committed
 * offsets (from the first offset kept where it has committed none). Each topic's ends are read
 * once for all its groups, one admin call at a time (see readTopicEnds).
 */
export async function readGroupLags(admin: KafkaAdmin, specs: TopicSpecs): Promise<GroupLag[]> {
  const groups = declaredGroups(specs);
  const topics = [...new Set(groups.flatMap((entry) => entry.topics))].sort();
  const ends = new Map<string, TopicEnds>((await readTopicEnds(admin, topics)).map((entry) => [entry.topic, entry]));
  const lags: GroupLag[] = [];
  for (const { group, topics: read } of groups) {
    const present = read.filter((topic) => 'partitions' in ends.get(topic)!);
    let committed = new Map<string, Map<number, number | null>>();
    let failure: string | undefined;
    try {
      committed = await readCommittedOffsets(admin, group, present);
    } catch (error) {
      failure = `committed offsets unreadable: ${errorText(error)}`;
    }
    const topicLags = read.map((topic): GroupTopicLag => {
      const end = ends.get(topic)!;
      if ('error' in end) return { topic, lag: null, error: end.error, partitions: [] };
      if (failure) return { topic, lag: null, error: failure, partitions: [] };
      const offsets = committed.get(topic) ?? new Map<number, number | null>();
      const partitions = end.partitions.map((partition) => {
        const position = offsets.get(partition.partition) ?? null;
        return { partition: partition.partition, end: partition.end, committed: position, lag: lagFrom(partition, position) };
      });
      return { topic, lag: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
    });
    const known = topicLags.every((entry) => entry.lag !== null);
    lags.push({ group, lag: known ? topicLags.reduce((sum, entry) => sum + entry.lag!, 0) : null, topics: topicLags });
  }
  return lags;
}
