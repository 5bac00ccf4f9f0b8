import { ThalwegError } from '../errors/index.ts';
import type { PartitionOffsets } from '../kafka/index.ts';
import type { ProjectionStore } from './projection-types.ts';

export interface ResumePositionsOptions {
  store: ProjectionStore;
  group: string;
  topicOffsets: (topic: string) => Promise<PartitionOffsets[]>;
}

export type Resume = { kind: 'continue' } | { kind: 'seek'; offset: string; gap: boolean };

const keyOf = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Where each partition must continue, by the read model's own offsets: the store's next offset,
 * or the topic's first offset for a partition the store has never applied. Kafka's committed
 * offsets only feed lag monitoring; a store wiped or restored from an older backup replays from
 * where it is. Positions are read from the store on a partition's first batch after every
 * rebalance (another instance may have moved them on), before anything is applied.
 */
export function createResumePositions({ store, group, topicOffsets }: ResumePositionsOptions) {
  const positions = new Map<string, bigint>();

  async function firstOffset(topic: string, partition: number): Promise<bigint> {
    const entry = (await topicOffsets(topic)).find((offsets) => offsets.partition === partition);
    if (!entry) throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `no offsets for ${topic}/${partition}`);
    return BigInt(entry.low);
  }

  async function expected(topic: string, partition: number): Promise<bigint> {
    const known = positions.get(keyOf(topic, partition));
    if (known !== undefined) return known;
    // One read serves every partition of the topic the store holds: the seek on assignment asks for each.
    const stored = await store.readOffsets!(group, topic);
    for (const [storedPartition, offset] of stored) positions.set(keyOf(topic, storedPartition), BigInt(offset));
    const position = positions.get(keyOf(topic, partition)) ?? (await firstOffset(topic, partition));
    positions.set(keyOf(topic, partition), position);
    return position;
  }

  return {
    /**
     * Where an assigned partition must be read from, for the seek on assignment: without it a
     * partition whose store was wiped would wait at Kafka's committed offset for new events.
     * Undefined for a store that keeps no offsets.
     */
    async resumeAt(topic: string, partition: number): Promise<string | undefined> {
      if (!store.readOffsets) return undefined;
      return String(await expected(topic, partition));
    },
    /**
     * Whether a batch fetched from `fetched` follows on from what the store has applied. One
     * that begins past it is a gap: a seek back, or, when those events are gone from the topic
     * (retention), THALWEG_PROJECTION_HISTORY_LOST. One that begins before it is sought forward.
     */
    async check(topic: string, partition: number, fetched: string): Promise<Resume> {
      if (!store.readOffsets) return { kind: 'continue' };
      const position = await expected(topic, partition);
      const from = BigInt(fetched);
      if (from === position) return { kind: 'continue' };
      if (from > position) {
        const first = await firstOffset(topic, partition);
        if (position < first) {
          throw new ThalwegError(
            'THALWEG_PROJECTION_HISTORY_LOST',
            `${topic}/${partition}: the store has applied up to ${position} but the topic now begins at ${first}: events ${position}–${first - 1n} are gone; rebuild the projection or restore its store from a newer backup`,
            { details: { topic, partition, storedOffset: String(position), firstOffset: String(first) } },
          );
        }
      }
      return { kind: 'seek', offset: String(position), gap: from > position };
    },
    /** After a batch is applied: the partition continues at `next`. */
    applied(topic: string, partition: number, next: string) {
      positions.set(keyOf(topic, partition), BigInt(next));
    },
    /**
     * A fetch of markers or aborted records only never reaches eachBatch; when it begins where the
     * partition was expected, the partition continues after it.
     */
    skipped(topic: string, partition: number, first: string | null, last: string) {
      const position = positions.get(keyOf(topic, partition));
      if (position === undefined || first === null || BigInt(first) > position || BigInt(last) < position) return;
      positions.set(keyOf(topic, partition), BigInt(last) + 1n);
    },
    /** After a failure or a rebalance: read from the store again. */
    forget(topic: string, partition: number) {
      positions.delete(keyOf(topic, partition));
    },
    clear() {
      positions.clear();
    },
  };
}
