import type { createKafka } from '@thalweg/platform/kafka';

export type KafkaAdmin = ReturnType<ReturnType<typeof createKafka>['admin']>;

/** One partition's log: the first offset still kept and the end (the next offset to be written). */
export interface PartitionEnd {
  partition: number;
  low: number;
  end: number;
}

export type TopicEnds = { topic: string; partitions: PartitionEnd[] } | { topic: string; error: string };

/**
 * Each topic's partitions with their first and end offsets. One topic at a time: KafkaJS's admin
 * mixes up concurrent offset lookups (an answer can come back empty). A topic Kafka does not have
 * is reported, not thrown, so one missing topic leaves the others on screen.
 */
export async function readTopicEnds(admin: KafkaAdmin, topics: string[]): Promise<TopicEnds[]> {
  const existing = new Set(await admin.listTopics());
  const ends: TopicEnds[] = [];
  for (const topic of topics) {
    if (!existing.has(topic)) {
      ends.push({ topic, error: 'no such topic in Kafka (run thalweg topics apply)' });
      continue;
    }
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.push({
        topic,
        partitions: offsets.map(({ partition, low, high }) => ({ partition, low: Number(low), end: Number(high) })).sort((a, b) => a.partition - b.partition),
      });
    } catch (error) {
      ends.push({ topic, error: (error as Error).message });
    }
  }
  return ends;
}

/** The group's committed next offset per topic and partition; null where it has committed none. */
export async function readCommittedOffsets(admin: KafkaAdmin, group: string, topics: string[]): Promise<Map<string, Map<number, number | null>>> {
  const committed = new Map<string, Map<number, number | null>>();
  if (topics.length === 0) return committed;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics })) {
    committed.set(topic, new Map(partitions.map(({ partition, offset }) => [partition, Number(offset) < 0 ? null : Number(offset)])));
  }
  return committed;
}

/**
 * How many records a reader at `position` (its next offset) has still to read. A reader with no
 * position starts from the first offset kept, as the projectors and the runtime's groups do.
 */
export function lagFrom(partition: PartitionEnd, position: number | null): number {
  return Math.max(0, partition.end - (position ?? partition.low));
}
