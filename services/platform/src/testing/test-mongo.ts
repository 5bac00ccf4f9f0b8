import type { TestContext } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import { onCleanup } from './cleanup.ts';
import { testStack } from './test-stack.ts';
import { uniqueName } from './unique.ts';

/** A MongoDB database of the test's own on the stack's MongoDB (FerretDB natively), dropped when it ends. */
export async function createTestMongoDatabase(t: TestContext, prefix = 'test'): Promise<{ name: string; client: MongoClient; db: Db }> {
  // FerretDB keeps a database as a PostgreSQL schema: short lower-case names with underscores.
  const name = uniqueName(prefix, '_').toLowerCase();
  const client = new MongoClient(testStack.mongodbUrl, { serverSelectionTimeoutMS: 5_000 });
  onCleanup(t, () => client.close());
  await client.connect();
  const db = client.db(name);
  onCleanup(t, () => db.dropDatabase());
  return { name, client, db };
}
