import type { Admin } from 'kafkajs';

export interface PartitionOffsets {
  partition: number;
  /** The first offset still on the log. */
  low: string;
  /** The last stable offset: the end a read_committed consumer reads up to. */
  high: string;
}

/**
 * A topic's offsets, one admin call at a time: KafkaJS's admin mixes up concurrent offset lookups
 * (its answer for one can come back empty), and every partition task asks when it starts.
 */
export function serialTopicOffsets(admin: Admin): (topic: string) => Promise<PartitionOffsets[]> {
  let previous: Promise<unknown> = Promise.resolve();
  return (topic) => {
    const next = previous.then(
      () => admin.fetchTopicOffsets(topic),
      () => admin.fetchTopicOffsets(topic),
    );
    previous = next.catch(() => {});
    return next;
  };
}
