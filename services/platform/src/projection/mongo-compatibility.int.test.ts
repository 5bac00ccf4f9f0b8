import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Long, MongoBulkWriteError, MongoServerError, type Db } from 'mongodb';
import { createTestMongoDatabase } from '../testing/index.ts';
import { isPermanentMongoError } from './mongo-errors.ts';

// What Thalweg asks of MongoDB, checked against the stack's server (FerretDB 1.24 natively,
// MongoDB 7 in compose). docs/mongodb.md lists the same subset; a feature left out of it is
// shown missing on FerretDB here, so the list stays true when either side changes.

async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}

/** The store's guard: applies when the document's position is below the offset, or absent. */
const guarded = (id: string, offset: number) => ({ _id: id, 'positions.src': { $not: { $gte: Long.fromNumber(offset) } } });

test('the 6.x driver connects and pings, and the server speaks a wire version it supports', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  assert.equal((await db.command({ ping: 1 })).ok, 1);
  const hello = await db.admin().command({ hello: 1 });
  // Driver 6.x needs wire version 7 (MongoDB 4.0) or later.
  assert.ok(hello.maxWireVersion >= 7, `maxWireVersion ${hello.maxWireVersion}`);
});

test('createIndex is idempotent and a unique index refuses a duplicate with E11000', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  const users = db.collection<{ _id: string; email: string }>('users');
  assert.equal(await users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }), 'email_unique');
  assert.equal(await users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }), 'email_unique');
  await users.insertOne({ _id: 'u1', email: 'a@example.test' });
  await assert.rejects(users.insertOne({ _id: 'u2', email: 'a@example.test' }), (error: MongoServerError) => error.code === 11000);
  assert.ok((await users.indexes()).some((index) => index.name === 'email_unique' && index.unique === true));
});

test('a guarded upsert creates, applies a newer offset, and refuses an older one with E11000 on _id', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  const docs = db.collection<{ _id: string }>('docs');
  const write = (offset: number) =>
    docs.updateOne(guarded('d1', offset), { $set: { 'positions.src': Long.fromNumber(offset), name: `n${offset}` }, $setOnInsert: { createdAt: offset }, $inc: { seen: 1 } }, { upsert: true });

  assert.equal((await write(1)).upsertedCount, 1);
  assert.equal((await write(2)).modifiedCount, 1);
  await assert.rejects(write(2), (error: MongoServerError) => error.code === 11000);
  await assert.rejects(write(1), (error: MongoServerError) => error.code === 11000);
  assert.deepEqual(await docs.findOne({ _id: 'd1' }), { _id: 'd1', positions: { src: 2 }, name: 'n2', createdAt: 1, seen: 2 });
});

test('positions compare as numbers across int32, int64 and Long values', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  const docs = db.collection<{ _id: string; positions?: Record<string, Long> }>('docs');
  await docs.insertOne({ _id: 'd1', positions: { src: Long.fromString('9007199254740993') } });
  assert.equal(await docs.countDocuments(guarded('d1', 5)), 0);
  assert.equal(await docs.countDocuments({ _id: 'd1', 'positions.src': { $gte: Long.fromString('9007199254740993') } }), 1);
});

test('$push appends in order, $max only raises', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  const docs = db.collection<{ _id: string; timeline?: number[]; next?: number }>('docs');
  await docs.updateOne({ _id: 'd1' }, { $push: { timeline: 1 }, $max: { next: 10 } }, { upsert: true });
  await docs.updateOne({ _id: 'd1' }, { $push: { timeline: { $each: [2, 3] } }, $max: { next: 7 } });
  assert.deepEqual(await docs.findOne({ _id: 'd1' }), { _id: 'd1', timeline: [1, 2, 3], next: 10 });
});

test('an ordered bulk write applies the writes before the failing one, and none after it', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  const docs = db.collection<{ _id: string; v?: number }>('docs');
  await docs.insertOne({ _id: 'a', v: 5 });
  const error = await docs
    .bulkWrite(
      [
        { updateOne: { filter: { _id: 'b' }, update: { $set: { v: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: 'a', v: { $lt: 3 } }, update: { $set: { v: 3 } }, upsert: true } },
        { updateOne: { filter: { _id: 'c' }, update: { $set: { v: 1 } }, upsert: true } },
      ],
      { ordered: true },
    )
    .then(() => undefined, (caught: unknown) => caught);
  assert.ok(error instanceof MongoBulkWriteError);
  assert.deepEqual([error.writeErrors].flat().map((failure) => failure.code), [11000]);
  assert.deepEqual(await docs.find().sort({ _id: 1 }).toArray(), [{ _id: 'a', v: 5 }, { _id: 'b', v: 1 }]);
});

test('a write of the wrong type fails with a code the store treats as permanent', async (t) => {
  const { db } = await createTestMongoDatabase(t, 'compat');
  const docs = db.collection('docs'); // untyped: the point is a write its schema would refuse
  await docs.insertOne({ _id: 'd1' as never, email: 'a@example.test' });
  await assert.rejects(docs.updateOne({ _id: 'd1' as never }, { $push: { email: 'b' } } as never), (error: MongoServerError) => isPermanentMongoError(error));
  await assert.rejects(docs.updateOne({ _id: 'd1' as never }, { $inc: { email: 1 } }), (error: MongoServerError) => isPermanentMongoError(error));
});

test('left out of the subset because FerretDB 1.24 lacks or ignores it', async (t) => {
  const { db, client } = await createTestMongoDatabase(t, 'compat');
  if (!(await isFerretDb(db))) {
    t.skip('the stack runs MongoDB, which has all of these');
    return;
  }
  const docs = db.collection<{ _id: string; timeline?: number[]; v?: number }>('docs');

  // $push with $slice: accepted, and the slice silently not applied.
  await docs.updateOne({ _id: 's' }, { $push: { timeline: { $each: [1, 2, 3, 4], $slice: -2 } } }, { upsert: true });
  assert.deepEqual((await docs.findOne({ _id: 's' }))?.timeline, [1, 2, 3, 4]);

  // ordered: false: the writes after a failing one are not applied either.
  await docs.insertOne({ _id: 'a', v: 5 });
  await assert.rejects(
    docs.bulkWrite(
      [
        { updateOne: { filter: { _id: 'a', v: { $lt: 3 } }, update: { $set: { v: 3 } }, upsert: true } },
        { updateOne: { filter: { _id: 'b' }, update: { $set: { v: 1 } }, upsert: true } },
      ],
      { ordered: false },
    ),
  );
  assert.equal(await docs.countDocuments({ _id: 'b' }), 0);

  // The failing write of a bulk write: reported at index 0 wherever it was.
  const misplaced = await docs
    .bulkWrite(
      [
        { updateOne: { filter: { _id: 'c' }, update: { $set: { v: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: 'a', v: { $lt: 3 } }, update: { $set: { v: 3 } }, upsert: true } },
      ],
      { ordered: true },
    )
    .then(() => undefined, (caught: unknown) => caught);
  assert.ok(misplaced instanceof MongoBulkWriteError);
  assert.deepEqual([misplaced.writeErrors].flat().map((failure) => failure.index), [0]);

  // Transactions, change streams and $lookup.
  const session = client.startSession();
  t.after(() => session.endSession());
  session.startTransaction();
  await assert.rejects(docs.insertOne({ _id: 'tx' }, { session }));
  await session.abortTransaction().catch(() => {});
  await assert.rejects(docs.aggregate([{ $changeStream: {} }]).toArray(), /\$changeStream/);
  await assert.rejects(docs.aggregate([{ $lookup: { from: 'other', localField: 'v', foreignField: 'v', as: 'joined' } }]).toArray(), /\$lookup/);
});
