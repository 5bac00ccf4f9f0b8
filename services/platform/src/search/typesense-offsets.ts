import { createHash } from 'node:crypto';
import { createCollectionUnlessPresent, typesenseCall, typesenseClient, unlessMissing, type TypesenseConnection } from './typesense-client.ts';

export interface TypesenseOffsetsOptions extends TypesenseConnection {
  /** The collection holding one document per (group, topic, partition). */
  collection?: string;
}

/**
 * Where a generation of a projection keeps its offsets: the first in `projection_offsets` (which
 * other groups may share), each later one in a collection of its own, dropped with it.
 */
export const typesenseOffsetsCollection = (projection: string, generation: number): string => (generation === 0 ? 'projection_offsets' : `${projection}_offsets_g${generation}`);

/** Next offsets of a projection whose read model is Typesense, kept in Typesense itself. */
export interface TypesenseOffsets {
  /** Creates the collection when missing. */
  init(): Promise<void>;
  /** Next offset per partition of a group's topic; a partition without a document is absent, and all are without the collection. */
  read(group: string, topic: string): Promise<Map<number, string>>;
  /** Stores a partition's next offset, unless the stored one is already at or past it. */
  write(group: string, topic: string, partition: number, nextOffset: string): Promise<void>;
  /** Deletes a group's offsets on a topic (a dropped generation's). */
  forget(group: string, topic: string): Promise<void>;
}

interface OffsetDocument {
  id: string;
  scope: string;
  group: string;
  topic: string;
  partition: number;
  nextOffset: string;
  updatedAt: number;
}

// Typesense's `:=` on a string compares normalised tokens (see typesense-filter.ts): a group or a
// topic is never filtered on as written, only through the hex digest of both, which it leaves
// as it is. Every other field is stored unindexed (Typesense keeps fields its schema omits).
const FIELDS = [
  { name: 'scope', type: 'string' as const },
  { name: 'partition', type: 'int32' as const },
  { name: 'updatedAt', type: 'int64' as const },
];
// Typesense's largest page.
const PAGE = 250;

const digest = (...parts: Array<string | number>) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/**
 * The offsets of a Typesense read model, in a collection beside it (`projection_offsets`): one
 * document per partition, its id derived from group, topic and partition, the next offset as a
 * decimal string (Kafka offsets are 64-bit) and the time of the write. A wiped or restored index
 * loses or rolls back its offsets with its documents, so the projector resumes from what the
 * index holds, not from what Kafka remembers.
 */
export function createTypesenseOffsets({ collection = 'projection_offsets', ...connection }: TypesenseOffsetsOptions): TypesenseOffsets {
  const client = typesenseClient(connection);
  const documents = () => client.collections<OffsetDocument>(collection).documents();
  const stored = (id: string) => unlessMissing(`reading the offset ${collection}/${id}`, () => client.collections<OffsetDocument>(collection).documents(id).retrieve());

  return {
    init: () => createCollectionUnlessPresent(client, { name: collection, fields: FIELDS }),

    async read(group, topic) {
      const offsets = new Map<number, string>();
      for (let page = 1; ; page += 1) {
        // No collection yet: nothing was stored here.
        const answer = await unlessMissing(`reading the offsets of ${group} on ${topic}`, () =>
          documents().search({ q: '*', query_by: 'scope', filter_by: `scope:=\`${digest(group, topic)}\``, per_page: PAGE, page }, { cacheSearchResultsForSeconds: 0 }),
        );
        const hits = answer?.hits ?? [];
        for (const { document } of hits) {
          if (document.group === group && document.topic === topic) offsets.set(document.partition, document.nextOffset);
        }
        if (hits.length < PAGE) return offsets;
      }
    },

    async write(group, topic, partition, nextOffset) {
      const id = digest(group, topic, partition);
      // Read, then write the larger value: Typesense has no conditional write. That is enough
      // because one partition has one owner at a time (the group's assignment), so no second
      // writer runs between the read and the write; a late batch of an instance that lost the
      // partition offers an offset the stored one is already past, and is left out. (Were two
      // writers ever to interleave, the stored offset could fall behind, never ahead of what the
      // index holds: the events between would be applied again, which the upserts absorb.)
      const current = await stored(id);
      if (current && BigInt(current.nextOffset) >= BigInt(nextOffset)) return;
      const document: OffsetDocument = { id, scope: digest(group, topic), group, topic, partition, nextOffset, updatedAt: Date.now() };
      await typesenseCall(`storing the offset of ${group} on ${topic}/${partition}`, () => documents().upsert(document));
    },

    async forget(group, topic) {
      await unlessMissing(`deleting the offsets of ${group} on ${topic}`, () => documents().delete({ filter_by: `scope:=\`${digest(group, topic)}\`` }));
    },
  };
}
