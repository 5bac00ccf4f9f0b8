import type { Db } from 'mongodb';
import { storeCall } from '../errors/index.ts';
import type { ConsistencyPosition } from '../events/index.ts';
import { offsetDocumentId, projectionOffsetsCollection, type OffsetDocument } from './mongo-offsets.ts';
import { waitForPosition } from './position-wait.ts';

/**
 * Read-your-writes for MongoDB projections: waits, up to `timeout`, until the group's offset in
 * `projection_offsets` has passed the position. Past the bound it refuses with
 * THALWEG_CONSISTENCY_NOT_REACHED rather than serve data that may be stale.
 */
export function createMongoPosition(options: ({ db: Db; group: string } | { serving: () => Promise<{ db: Db; group: string }> }) & { interval?: number }) {
  const { interval = 25 } = options;
  // `serving` names the live generation's database and group afresh on every look (a rebuild swaps them).
  const serving = 'serving' in options ? options.serving : async () => ({ db: options.db, group: options.group });

  async function appliedIn({ db, group }: { db: Db; group: string }, { topic, partition, offset }: ConsistencyPosition): Promise<boolean> {
    const stored = await storeCall('reading projection position', db.collection<OffsetDocument>(projectionOffsetsCollection).findOne({ _id: offsetDocumentId(group, topic, partition) }));
    return stored !== null && BigInt(String(stored.nextOffset)) > BigInt(offset);
  }

  return {
    applied: async (position: ConsistencyPosition) => appliedIn(await serving(), position),
    /** The live generation is looked up once per wait, not on every poll of it. */
    async waitFor(position: ConsistencyPosition, timeout: number): Promise<void> {
      const live = await serving();
      return waitForPosition((at) => appliedIn(live, at), position, timeout, interval);
    },
  };
}
