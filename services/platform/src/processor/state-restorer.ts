import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { fetchedOffset } from '../kafka/index.ts';
import type { Logger } from '../telemetry/index.ts';

/** What one restoration reads: a changelog partition from `from` until the offset `until` (exclusive). */
export interface Restoration {
  topic: string;
  partition: number;
  from: string;
  until: string;
  apply(message: KafkaMessage): void;
  /** Records read so far, called after every fetched batch. */
  onProgress?(read: number, position: string): void;
}

interface Pending extends Restoration {
  read: number;
  /**
   * Where the partition has been read up to, markers included. Only a fetch that begins exactly
   * here is read: one fetched before the seek (or before a rejoin) is neither applied nor counted
   * towards the end, so a restoration never ends with records it did not apply.
   */
  position: bigint;
  resolve(read: number): void;
  reject(error: unknown): void;
}

const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Reads changelog partitions back into state. KafkaJS has no manual assignment, so the restorer is
 * one consumer in a group of its own (`<group>-restore-<id>`, inside the processor's group ACL
 * prefix) that is assigned every changelog partition, keeps them paused, and resumes only those
 * being restored, each from the offset asked until the offset asked. It reads committed records
 * only, like every Thalweg consumer; transaction markers and aborted records count as read.
 */
export function createStateRestorer({ kafka, group, topics, logger }: { kafka: Kafka; group: string; topics: string[]; logger: Logger }) {
  const consumer: Consumer = kafka.consumer({ groupId: `${group}-restore-${randomUUID().slice(0, 8)}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  const pending = new Map<string, Pending>();
  let joined: Promise<void> | undefined;
  let markJoined: () => void = () => {};

  function finish(entry: Pending) {
    pending.delete(partitionKey(entry.topic, entry.partition));
    consumer.pause([{ topic: entry.topic, partitions: [entry.partition] }]);
    entry.resolve(entry.read);
  }

  /** Done once everything before `until` has been read, markers and aborted records included. */
  function check(entry: Pending) {
    if (entry.position >= BigInt(entry.until)) finish(entry);
  }

  async function eachBatch({ batch, isStale }: EachBatchPayload) {
    const { topic, partition } = batch;
    const entry = pending.get(partitionKey(topic, partition));
    // A partition no restoration asked for is not read.
    if (!entry) return consumer.pause([{ topic, partitions: [partition] }]);
    if (isStale() || BigInt(fetchedOffset(batch)) !== entry.position) return;
    for (const message of batch.messages) {
      if (BigInt(message.offset) >= BigInt(entry.until)) break;
      try {
        entry.apply(message);
      } catch (error) {
        pending.delete(partitionKey(topic, partition));
        consumer.pause([{ topic, partitions: [partition] }]);
        return entry.reject(error);
      }
      entry.read += 1;
    }
    entry.position = BigInt(batch.lastOffset()) + 1n;
    entry.onProgress?.(entry.read, batch.lastOffset());
    check(entry);
  }

  /**
   * A fetch of markers or aborted records only never reaches eachBatch: it moves the position on
   * when it begins where the partition has been read up to.
   */
  function skipFiltered({ topic, partition, batchSize, firstOffset, lastOffset }: { topic: string; partition: number; batchSize: number; firstOffset: string | null; lastOffset: string }) {
    const entry = pending.get(partitionKey(topic, partition));
    if (!entry || batchSize > 0 || firstOffset === null || BigInt(firstOffset) > entry.position) return;
    entry.position = BigInt(lastOffset) + 1n;
    check(entry);
  }

  return {
    async start() {
      joined = new Promise((resolve) => (markJoined = resolve));
      consumer.on(consumer.events.GROUP_JOIN, () => markJoined());
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => skipFiltered(payload));
      await consumer.connect();
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 8, eachBatch });
      consumer.pause(topics.map((topic) => ({ topic })));
      await joined;
    },

    /** Resolves with the number of records read once the partition is read up to `until`. */
    restore(restoration: Restoration): Promise<number> {
      const key = partitionKey(restoration.topic, restoration.partition);
      if (pending.has(key)) return Promise.reject(new Error(`${key} is already being restored`));
      if (BigInt(restoration.from) >= BigInt(restoration.until)) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        pending.set(key, { ...restoration, read: 0, position: BigInt(restoration.from), resolve, reject });
        consumer.seek({ topic: restoration.topic, partition: restoration.partition, offset: restoration.from });
        consumer.resume([{ topic: restoration.topic, partitions: [restoration.partition] }]);
      });
    },

    /** Stops a restoration that is no longer wanted (its partition went to another instance). */
    cancel(topic: string, partition: number): void {
      const entry = pending.get(partitionKey(topic, partition));
      if (!entry) return;
      pending.delete(partitionKey(topic, partition));
      consumer.pause([{ topic, partitions: [partition] }]);
      entry.reject(new Error(`restoration of ${topic}/${partition} cancelled`));
    },

    async stop() {
      for (const entry of [...pending.values()]) this.cancel(entry.topic, entry.partition);
      await consumer.disconnect().catch((error: unknown) => logger.warn('error while closing the restore consumer', { error }));
    },
  };
}

export type StateRestorer = ReturnType<typeof createStateRestorer>;
