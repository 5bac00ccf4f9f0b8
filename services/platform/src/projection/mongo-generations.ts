import type { Db, MongoClient } from 'mongodb';
import { ThalwegError, storeCall } from '../errors/index.ts';
import { projectionOffsetsCollection, type OffsetDocument } from './mongo-offsets.ts';

/**
 * Generations of a MongoDB projection, for rebuilds done blue/green. Each generation is a database
 * of its own (the configured one for the first, then `<database>_g<N>`), filled by a consumer group
 * of its own (`<group>-g<N>`), its offsets in its own `projection_offsets`. Which one readers read is
 * one pointer document (`projection_generations`, `_id` the projection, in the configured database):
 * a single-document update swaps it, so a reader reads the previous generation or the next, never a
 * half-built one. MongoDB on FerretDB has no transactions: a reader that looked the pointer up
 * just before a swap may still read the previous generation once, which is complete.
 */
export interface MongoGeneration {
  projection: string;
  generation: number;
  database: string;
  group: string;
  state: 'building' | 'live' | 'retired';
  createdAt: Date;
}

interface GenerationDocument {
  _id: string;
  projection: string;
  generation: number;
  database: string;
  group: string;
  createdAt: Date;
}

/** The pointer: which generation is live (with where it is, so a reader needs this one lookup) and which is being built. */
interface PointerDocument {
  _id: string;
  live: number;
  liveDatabase: string;
  liveGroup: string;
  building: number | null;
}

const POINTERS = 'projection_generations';
const GENERATIONS = 'projection_generation_list';

const mongoGenerationDatabase = (database: string, generation: number) => (generation === 0 ? database : `${database}_g${generation}`);

export function createMongoGenerations({ client, database, projection, declaredGroup }: { client: MongoClient; database: string; projection: string; declaredGroup: string }) {
  const base: Db = client.db(database);
  const pointers = base.collection<PointerDocument>(POINTERS);
  const generations = base.collection<GenerationDocument>(GENERATIONS);

  async function list(): Promise<MongoGeneration[]> {
    const [pointer, documents] = await storeCall(
      'reading projection generations',
      Promise.all([pointers.findOne({ _id: projection }), generations.find({ projection }).sort({ generation: 1 }).toArray()]),
    );
    return documents.map((document) => ({
      projection,
      generation: document.generation,
      database: document.database,
      group: document.group,
      createdAt: document.createdAt,
      state: document.generation === pointer?.live ? 'live' : document.generation === pointer?.building ? 'building' : 'retired',
    }));
  }

  async function live(): Promise<MongoGeneration> {
    const found = (await list()).find((entry) => entry.state === 'live');
    if (!found) throw new ThalwegError('THALWEG_STORE_UNAVAILABLE', `projection ${projection} has no live generation: the projector has not started yet`);
    return found;
  }

  return {
    list,
    live,

    /**
     * The database readers read now and the group whose offsets it holds: looked up on every read,
     * so a swap reaches every reader at once. Before any projector has started: generation 0.
     */
    async serving(): Promise<{ db: Db; group: string }> {
      const pointer = await storeCall('reading the live generation', pointers.findOne({ _id: projection }));
      if (!pointer) return { db: base, group: declaredGroup };
      return { db: client.db(pointer.liveDatabase), group: pointer.liveGroup };
    },

    /** Generation 0 (the configured database, the declared group) as the live one, the first time. */
    async init(): Promise<void> {
      await storeCall(
        'recording generation 0',
        generations.updateOne(
          { _id: `${projection}/0` },
          { $setOnInsert: { projection, generation: 0, database, group: declaredGroup, createdAt: new Date() } },
          { upsert: true },
        ),
      );
      await storeCall('recording the live generation', pointers.updateOne({ _id: projection }, { $setOnInsert: { live: 0, liveDatabase: database, liveGroup: declaredGroup, building: null } }, { upsert: true }));
    },

    async building(): Promise<MongoGeneration | undefined> {
      return (await list()).find((entry) => entry.state === 'building');
    },

    /** Starts a rebuild; `startAt` stores the offsets it starts from instead of offset 0 (the retry topics' ends). */
    async begin({ startAt = [] }: { startAt?: Array<{ topic: string; partition: number; offset: string }> } = {}): Promise<MongoGeneration> {
      const existing = await list();
      if (!existing.some((entry) => entry.state === 'live')) throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection} has no live generation: start its projector first`);
      const generation = Math.max(...existing.map((entry) => entry.generation)) + 1;
      const claimed = await storeCall('claiming the rebuild', pointers.updateOne({ _id: projection, building: null }, { $set: { building: generation } }));
      if (claimed.modifiedCount !== 1) throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection} is already being rebuilt`);
      const document: GenerationDocument = { _id: `${projection}/${generation}`, projection, generation, database: mongoGenerationDatabase(database, generation), group: `${declaredGroup}-g${generation}`, createdAt: new Date() };
      await storeCall('recording the generation', generations.insertOne(document));
      const offsets = client.db(document.database).collection<OffsetDocument>(projectionOffsetsCollection);
      for (const { topic, partition, offset } of startAt) {
        await storeCall('storing the starting offsets', offsets.insertOne({ _id: `${document.group}/${topic}/${partition}`, group: document.group, topic, partition, nextOffset: Number(offset), updatedAt: new Date() }));
      }
      return { projection, generation, database: document.database, group: document.group, createdAt: document.createdAt, state: 'building' };
    },

    /**
     * Makes the building generation live, refused (retriable) while it is behind the live one on
     * a partition of `topics`. Without transactions the live one may apply a few more events
     * between the comparison and the swap; it stops within the projectors' next poll.
     */
    async swap(generation: number, { topics }: { topics: string[] }): Promise<MongoGeneration> {
      const all = await list();
      const target = all.find((entry) => entry.generation === generation);
      if (!target || target.state !== 'building') throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is not being built`);
      const current = all.find((entry) => entry.state === 'live');
      if (current) {
        const read = (entry: MongoGeneration) => client.db(entry.database).collection<OffsetDocument>(projectionOffsetsCollection).find({ group: entry.group, topic: { $in: topics } }).toArray();
        const [liveOffsets, nextOffsets] = await storeCall('comparing the generations', Promise.all([read(current), read(target)]));
        const next = new Map(nextOffsets.map((entry) => [`${entry.topic}/${entry.partition}`, BigInt(String(entry.nextOffset))]));
        const behind = liveOffsets.filter((entry) => (next.get(`${entry.topic}/${entry.partition}`) ?? -1n) < BigInt(String(entry.nextOffset)));
        if (behind.length > 0) {
          throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} is behind the live generation ${current.generation} on ${behind.map((entry) => `${entry.topic}/${entry.partition}`).join(', ')}`, { retriable: true });
        }
      }
      const swapped = await storeCall('swapping the live generation', pointers.updateOne({ _id: projection, building: generation }, { $set: { live: generation, liveDatabase: target.database, liveGroup: target.group, building: null } }));
      if (swapped.modifiedCount !== 1) throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is no longer being built`);
      return { ...target, state: 'live' };
    },

    /** Drops a generation that is not live: its database and its record. */
    async drop(generation: number): Promise<MongoGeneration> {
      const target = (await list()).find((entry) => entry.generation === generation);
      if (!target) throw new ThalwegError('THALWEG_NOT_FOUND', `projection ${projection} has no generation ${generation}`);
      if (target.state === 'live') throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is live: rebuild and swap first`);
      if (target.database === database) throw new ThalwegError('THALWEG_CONFLICT', `generation ${generation} of ${projection} is the configured database ${database}: drop its collections by hand if you mean to`);
      if (target.state === 'building') await storeCall('abandoning the rebuild', pointers.updateOne({ _id: projection, building: generation }, { $set: { building: null } }));
      await storeCall('dropping the generation', client.db(target.database).dropDatabase());
      await storeCall('forgetting the generation', generations.deleteOne({ _id: `${projection}/${generation}` }));
      return target;
    },
  };
}

export type MongoGenerations = ReturnType<typeof createMongoGenerations>;
