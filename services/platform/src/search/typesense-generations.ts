import { ThalwegError } from '../errors/index.ts';
import { createCollectionUnlessPresent, deleteCollectionIfPresent, typesenseCall, typesenseClient, unlessMissing, type TypesenseConnection } from './typesense-client.ts';
import { typesenseCollection } from './typesense-index.ts';
import { createTypesenseOffsets, typesenseOffsetsCollection } from './typesense-offsets.ts';

/**
 * Generations of a projection kept in Typesense, for rebuilds done blue/green. Each generation has
 * collections of its own (`users_v<N+1>`), its own offsets collection and its own consumer group
 * (`<group>-g<N>`); readers read through one alias per collection (`users`). A swap points every
 * alias at the new generation, then records it as live.
 */
export interface TypesenseGeneration {
  projection: string;
  generation: number;
  group: string;
  state: 'building' | 'live' | 'retired';
  createdAt: Date;
  /** Its own collections, one per alias. */
  collections: string[];
  /** Where its offsets are (typesense-offsets.ts). */
  offsetsCollection: string;
}

/** The pointer document: which generation is live, which is being built, and every one kept. */
interface PointerDocument {
  id: string;
  projection: string;
  live: number;
  /** -1 when none is. */
  building: number;
  /** The group generation 0 was filled by: one Typesense serves one search projection's readers (the aliases). */
  declaredGroup: string;
  /** The aliases readers read, one per collection of the projection. */
  collections: string[];
  /** JSON of the generations kept: `[{ generation, group, createdAt }]`. */
  generations: string;
}

interface Kept {
  generation: number;
  group: string;
  createdAt: string;
}

const POINTERS = 'projection_generations';
const NONE = -1;

const generationGroup = (declaredGroup: string, generation: number) => (generation === 0 ? declaredGroup : `${declaredGroup}-g${generation}`);

export interface TypesenseGenerationsOptions extends TypesenseConnection {
  projection: string;
  declaredGroup: string;
  /** The projection's collections, by the alias readers read them by: the projector's, recorded by init for the others. */
  collections?: string[];
}

/**
 * Typesense has no transactions and no conditional writes: the pointer is one document, written
 * whole. Two operators beginning a rebuild at once compute the same next generation and so build
 * the same one. Each alias moves alone: between the first and the last, a reader of two
 * collections may read one from each generation, both complete. The swap is refused while the new
 * generation is behind the live one; the live one may apply a batch more in the moment between
 * that check and the aliases, which the new generation has applied too a batch later.
 */
export function createTypesenseGenerations({ projection, declaredGroup, collections = [], ...connection }: TypesenseGenerationsOptions) {
  const client = typesenseClient(connection);
  const pointers = () => client.collections<PointerDocument>(POINTERS).documents();

  // Not the projection's bare name: `search`, as a document id, is the path of the search endpoint.
  const pointerId = `projection-${projection}`;
  const readPointer = () => unlessMissing(`reading the generations of ${projection}`, () => client.collections<PointerDocument>(POINTERS).documents(pointerId).retrieve());
  const writePointer = (pointer: PointerDocument) => typesenseCall(`recording the generations of ${projection}`, () => pointers().upsert(pointer));
  const kept = (pointer: PointerDocument): Kept[] => JSON.parse(pointer.generations) as Kept[];

  function shown(pointer: PointerDocument): TypesenseGeneration[] {
    return kept(pointer).map(({ generation, group, createdAt }) => ({
      projection,
      generation,
      group,
      createdAt: new Date(createdAt),
      collections: pointer.collections.map((name) => typesenseCollection(name, generation)),
      offsetsCollection: typesenseOffsetsCollection(projection, generation),
      state: generation === pointer.live ? 'live' : generation === pointer.building ? 'building' : 'retired',
    }));
  }

  async function pointer(): Promise<PointerDocument> {
    const found = await readPointer();
    if (!found) throw new ThalwegError('THALWEG_STORE_UNAVAILABLE', `projection ${projection} has no live generation: the projector has not started yet`);
    return found;
  }

  async function list(): Promise<TypesenseGeneration[]> {
    const found = await readPointer();
    return found ? shown(found) : [];
  }

  /** Throws a retriable conflict when `next` has applied less than `live` on a partition of `topics`. */
  async function refuseIfBehind(live: TypesenseGeneration, next: TypesenseGeneration, topics: string[]) {
    const offsetsOf = (generation: TypesenseGeneration) => createTypesenseOffsets({ ...connection, collection: generation.offsetsCollection });
    const behind: string[] = [];
    for (const topic of topics) {
      const [liveOffsets, nextOffsets] = await Promise.all([offsetsOf(live).read(live.group, topic), offsetsOf(next).read(next.group, topic)]);
      for (const [partition, offset] of liveOffsets) {
        const reached = nextOffsets.get(partition);
        if (reached === undefined || BigInt(reached) < BigInt(offset)) behind.push(`${topic}/${partition} at ${reached ?? 'nothing'} of ${offset}`);
      }
    }
    if (behind.length > 0) throw new ThalwegError('THALWEG_CONFLICT', `generation ${next.generation} is behind the live generation ${live.generation} on ${behind.join(', ')}`, { retriable: true });
  }

  return {
    list,

    /** Creates the pointer the first time: generation 0 (the declared group, `users_v1`, ...) is live. */
    async init(): Promise<void> {
      await createCollectionUnlessPresent(client, { name: POINTERS, fields: [{ name: 'projection', type: 'string' }] });
      const found = await readPointer();
      if (found && found.declaredGroup !== declaredGroup) {
        throw new ThalwegError('THALWEG_CONFIG_INVALID', `this Typesense's ${projection} projection is consumer group ${found.declaredGroup}'s, not ${declaredGroup}'s: its aliases serve one projection's readers`);
      }
      if (found && found.collections.join() === collections.join()) return;
      const first: Kept[] = [{ generation: 0, group: declaredGroup, createdAt: new Date().toISOString() }];
      await writePointer(found ? { ...found, collections } : { id: pointerId, projection, live: 0, building: NONE, declaredGroup, collections, generations: JSON.stringify(first) });
    },

    async live(): Promise<TypesenseGeneration> {
      const current = await pointer();
      return shown(current).find((generation) => generation.generation === current.live)!;
    },

    async building(): Promise<TypesenseGeneration | undefined> {
      return (await list()).find((generation) => generation.state === 'building');
    },

    /**
     * Starts a rebuild: a new generation, filled from offset 0 by its own group once a projector
     * picks it up. `startAt` stores offsets it starts from instead (the retry topics' ends).
     */
    async begin({ startAt = [] }: { startAt?: Array<{ topic: string; partition: number; offset: string }> } = {}): Promise<TypesenseGeneration> {
      const current = await pointer();
      if (current.building !== NONE) throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection} is already being rebuilt (generation ${current.building})`);
      const generations = kept(current);
      const generation = Math.max(...generations.map((entry) => entry.generation)) + 1;
      const group = generationGroup(declaredGroup, generation);
      const offsets = createTypesenseOffsets({ ...connection, collection: typesenseOffsetsCollection(projection, generation) });
      await offsets.init();
      for (const { topic, partition, offset } of startAt) await offsets.write(group, topic, partition, offset);
      await writePointer({ ...current, building: generation, generations: JSON.stringify([...generations, { generation, group, createdAt: new Date().toISOString() }]) });
      return (await list()).find((entry) => entry.generation === generation)!;
    },

    /**
     * Makes the building generation live: every alias, then the pointer; the previous live one is
     * kept, retired. Refused (retriable) while the new generation is behind the live one on any
     * partition of `topics`, or before its projector has created its collections.
     */
    async swap(generation: number, { topics }: { topics: string[] }): Promise<TypesenseGeneration> {
      const current = await pointer();
      if (current.building !== generation) throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is not being built`);
      const all = shown(current);
      await refuseIfBehind(all.find((entry) => entry.state === 'live')!, all.find((entry) => entry.state === 'building')!, topics);
      for (const name of current.collections) {
        const own = typesenseCollection(name, generation);
        if (!(await unlessMissing(`reading collection ${own}`, () => client.collections(own).retrieve()))) {
          throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} has no collection ${own} yet: is its projector running?`, { retriable: true });
        }
      }
      for (const name of current.collections) {
        const own = typesenseCollection(name, generation);
        await typesenseCall(`pointing alias ${name} at ${own}`, () => client.aliases().upsert(name, { collection_name: own }));
      }
      await writePointer({ ...current, live: generation, building: NONE });
      return { ...all.find((entry) => entry.generation === generation)!, state: 'live' };
    },

    /**
     * Deletes a retired or abandoned generation's collections, its offsets (on `topics`, where
     * generation 0's share a collection) and its record; the live one is refused.
     */
    async drop(generation: number, { topics }: { topics: string[] }): Promise<TypesenseGeneration> {
      const current = await pointer();
      const target = shown(current).find((entry) => entry.generation === generation);
      if (!target) throw new ThalwegError('THALWEG_NOT_FOUND', `projection ${projection} has no generation ${generation}`);
      if (target.state === 'live') throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is live: rebuild and swap first`);
      // The record first: a projector stops building a generation it no longer finds.
      const remaining = kept(current).filter((entry) => entry.generation !== generation);
      await writePointer({ ...current, building: current.building === generation ? NONE : current.building, generations: JSON.stringify(remaining) });
      for (const own of target.collections) await deleteCollectionIfPresent(client, own);
      if (generation === 0) {
        const offsets = createTypesenseOffsets({ ...connection, collection: target.offsetsCollection });
        for (const topic of topics) await offsets.forget(target.group, topic);
      } else {
        await deleteCollectionIfPresent(client, target.offsetsCollection);
      }
      return target;
    },
  };
}

export type TypesenseGenerations = ReturnType<typeof createTypesenseGenerations>;
