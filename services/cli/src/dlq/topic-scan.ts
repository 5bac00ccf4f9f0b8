import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { ThalwegError } from '@thalweg/platform/errors';

/** One record read by a scan, with where it was read. */
export interface ScannedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface ScanOptions {
  kafka: Kafka;
  admin: Admin;
  topics: string[];
  onRecord(record: ScannedRecord): void;
  /** Called after every fetched batch: records read so far and the total the scan will read. */
  onProgress?(read: number, total: number): void;
  /** A scan that reads nothing for this long fails: the brokers stopped answering. */
  stallTimeout?: number; // ms
}

const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Reads topics from their first offset to the end offsets they had when the scan began, and
 * returns the number of records read. Values are handed over as bytes: nothing is decoded here,
 * so counting a large dead letter topic costs one pass over it. KafkaJS has no manual assignment,
 * so the scan is one consumer in a throwaway group (deleted afterwards) that commits nothing.
 */
export async function scanTopics({ kafka, admin, topics, onRecord, onProgress, stallTimeout = 60_000 }: ScanOptions): Promise<number> {
  const ends = new Map<string, bigint>();
  const positions = new Map<string, bigint>();
  let total = 0;
  for (const topic of topics) {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) <= BigInt(low)) continue;
      ends.set(partitionKey(topic, partition), BigInt(high));
      positions.set(partitionKey(topic, partition), BigInt(low));
      total += Number(BigInt(high) - BigInt(low));
    }
  }
  if (ends.size === 0) return 0;

  const groupId = `thalweg-cli-scan-${randomUUID()}`;
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250, maxBytesPerPartition: 4_194_304 });
  let read = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let lastProgress = Date.now();

  /** Moves a partition's position on; the scan ends when every partition has reached its end. */
  function advance(topic: string, partition: number, next: bigint) {
    const key = partitionKey(topic, partition);
    const position = positions.get(key);
    if (position === undefined || next <= position) return;
    positions.set(key, next);
    lastProgress = Date.now();
    if ([...ends].every(([name, end]) => (positions.get(name) ?? 0n) >= end)) finish();
  }

  async function eachBatch({ batch }: EachBatchPayload) {
    const end = ends.get(partitionKey(batch.topic, batch.partition));
    if (end === undefined) return;
    for (const message of batch.messages) {
      if (BigInt(message.offset) >= end) break;
      read += 1;
      onRecord({ topic: batch.topic, partition: batch.partition, message });
    }
    onProgress?.(read, total);
    // lastOffset counts transaction markers too, so a partition ending with one is seen to end.
    advance(batch.topic, batch.partition, BigInt(batch.lastOffset()) + 1n);
  }

  try {
    await consumer.connect();
    // A fetch of transaction markers only never reaches eachBatch; its end still moves the position.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.lastOffset !== undefined) advance(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 4, eachBatch });
    for (;;) {
      const stalled = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 1_000).unref());
      if ((await Promise.race([done.then(() => 'done' as const), stalled])) === 'done') break;
      if (Date.now() - lastProgress > stallTimeout) {
        throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `reading ${topics.join(', ')}: nothing read for ${stallTimeout / 1000} s (${read} of ${total} records read)`);
      }
    }
    return read;
  } finally {
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
