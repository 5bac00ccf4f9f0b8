import type { Offsets } from 'kafkajs';

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: string;
}

/** Sends one OffsetCommit (a batch's `commitOffsetsIfNecessary`, given offsets). */
export type CommitOffsets = (offsets: Offsets) => Promise<unknown>;

function asOffsets(entries: CommittedOffset[]): Offsets {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const { topic, partition, offset } of entries) {
    const partitions = byTopic.get(topic) ?? [];
    partitions.push({ partition, offset });
    byTopic.set(topic, partitions);
  }
  return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}

/**
 * A consumer group's offset commits, off the path of its batches. Kafka 4's group coordinator
 * lingers its writes (`group.coordinator.append.linger.ms`, 5 ms by default), so a commit awaited
 * after every batch held each fetch cycle for at least that long, and a consumer receiving a few
 * records per fetch fell behind: at 200 records/s over six partitions, a record reached a reader
 * that committed every batch 35 ms after it was written, against 2 ms for one that did not. Here
 * one commit is in flight at a time, and the next carries the newest offset of every partition
 * queued meanwhile.
 */
export function createOffsetCommitter({ onError }: { onError: (error: unknown, offsets: CommittedOffset[]) => void }) {
  const pending = new Map<string, CommittedOffset>();
  let inFlight: Promise<void> | undefined;
  /** The newest batch's commit, set before anything is pending. */
  let send: CommitOffsets;

  function drain(): Promise<void> {
    inFlight ??= (async () => {
      try {
        while (pending.size > 0) {
          const entries = [...pending.values()];
          pending.clear();
          await send(asOffsets(entries)).catch((error: unknown) => onError(error, entries));
        }
      } finally {
        // Reached only once nothing is pending: an offset queued during the last send was sent.
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  return {
    /**
     * Queues a partition's next offset, to be sent with `commit` (the latest batch's, which stays
     * valid while the consumer stops); resolves once it, or a later one, has been sent.
     */
    commit(entry: CommittedOffset, commit: CommitOffsets): Promise<void> {
      send = commit;
      pending.set(`${entry.topic}/${entry.partition}`, entry);
      return drain();
    },
    /** Forgets what is queued for partitions no longer assigned (keys `topic/partition`): their new owner commits them. */
    retain(assigned: Set<string>): void {
      for (const key of pending.keys()) if (!assigned.has(key)) pending.delete(key);
    },
    /** Resolves once every queued offset has been sent. */
    flush(): Promise<void> {
      return inFlight ?? Promise.resolve();
    },
  };
}

export type OffsetCommitter = ReturnType<typeof createOffsetCommitter>;
