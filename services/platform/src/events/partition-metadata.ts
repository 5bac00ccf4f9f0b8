import type { Admin, PartitionMetadata } from 'kafkajs';

/** A topic's partitions from the cluster's metadata, trusted for `maxAge` before they are fetched again. */
export function cachedPartitions(admin: Admin, maxAge: number /* ms */) {
  const cache = new Map<string, { at: number; metadata: PartitionMetadata[] }>();
  return async (topic: string): Promise<PartitionMetadata[]> => {
    const cached = cache.get(topic);
    if (cached && Date.now() - cached.at < maxAge) return cached.metadata;
    const { topics: described } = await admin.fetchTopicMetadata({ topics: [topic] });
    const metadata = described[0]!.partitions;
    cache.set(topic, { at: Date.now(), metadata });
    return metadata;
  };
}
