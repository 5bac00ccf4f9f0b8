import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublisher } from '@thalweg/platform/events';
import { createMongoGenerations, createPostgresGenerations } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createTestConsumerGroup, createTestDatabase, createTestMongoDatabase, onCleanup, startServiceProcess, testAdmin, testKafka, testStack, waitFor } from '@thalweg/platform/testing';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { runThalweg, transcript } from './testing/run-thalweg.ts';
import { underTraffic } from './testing/under-traffic.ts';

const WALLETS = 12;
const TOPIC = 'ledger.wallets.v1';

// projector-postgres as deployed (its own process and principal) on a database and group of the
// test's own, reading the stack's ledger topic; the CLI rebuilds its projection while credits keep
// arriving and a reader keeps reading through the read schema the query-api reads.
test('a rebuild during live traffic: reads answer throughout, never from a half-built model, and the new generation holds everything', { timeout: 300_000 }, async (t) => {
  const kafka = testKafka();
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const publisher = createPublisher({ kafka, registry, schemas: loadSchemaCatalog(), topics: loadTopicSpecs(), source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());
  const admin = await testAdmin(t, kafka);
  const group = await createTestConsumerGroup(t, admin, { prefix: 'projector-postgres-rebuild', topics: [TOPIC] });
  onCleanup(t, () => admin.deleteGroups([`${group}-g1`]).catch(() => {}));
  const database = await createTestDatabase(t, 'rebuild');
  await startServiceProcess(t, 'projector-postgres', { THALWEG_DATABASE_URL: database.url, THALWEG_CONSUMER_GROUP: group, THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' });

  const tenant = 'acme';
  const at = new Date('2026-01-01T00:00:00Z');
  const wallets = Array.from({ length: WALLETS }, () => crypto.randomUUID());
  const credited = new Map<string, number>(wallets.map((walletId) => [walletId, 0]));
  for (const walletId of wallets) {
    await publisher.publish({ type: 'thalweg.ledger.WalletOpened', subject: walletId, tenant, data: { walletId, ownerId: 'rebuild-test', tenantId: tenant, currency: 'EUR', openedAt: at } });
  }
  const credit = async (walletId: string, amountMinor: number) => {
    await publisher.publish({
      type: 'thalweg.ledger.FundsCredited',
      subject: walletId,
      tenant,
      data: { walletId, entryId: crypto.randomUUID(), tenantId: tenant, amountMinor, currency: 'EUR', reference: 'rebuild', creditedAt: at, transferId: null },
    });
    credited.set(walletId, credited.get(walletId)! + amountMinor);
  };
  for (const walletId of wallets) await credit(walletId, 100);
  const read = async () => {
    const { rows } = await database.pool.query<{ wallet_id: string; balance_minor: string; entries: string }>(
      'SELECT w.wallet_id, w.balance_minor, (SELECT count(*) FROM ledger.wallet_entries e WHERE e.wallet_id = w.wallet_id) AS entries FROM ledger.wallets w WHERE w.wallet_id = ANY($1)',
      [wallets],
    );
    return new Map(rows.map((row) => [row.wallet_id, { balance: Number(row.balance_minor), entries: Number(row.entries) }]));
  };
  await waitFor(async () => [...(await read()).values()].filter((wallet) => wallet.balance === 100).length === WALLETS, { timeout: 60_000, description: 'the live generation projected the first credits' });

  // Live traffic (about fifty credits a second) and a reader, until the rebuild is over.
  const traffic = underTraffic({
    change: (round) => credit(wallets[round % WALLETS]!, 1),
    changePause: 20,
    read: async () => new Map([...(await read())].map(([walletId, { balance }]) => [walletId, balance])),
    size: WALLETS,
  });

  const rebuild = await runThalweg(['projections', 'rebuild', 'ledger', '--group', group], { env: { THALWEG_DATABASE_URL: database.url } });
  const reads = await traffic.stop();
  assert.equal(rebuild.code, 0, transcript(rebuild));
  t.diagnostic(rebuild.stdout);
  assert.match(rebuild.stdout, /generation 1 is live; generation 0 is kept/, transcript(rebuild));
  assert.ok(reads.count > 1, 'the reader read during the rebuild');
  assert.deepEqual([...reads.partial, ...reads.backwards], []);

  const generations = await createPostgresGenerations({ pool: database.pool, projection: 'ledger', declaredGroup: group }).list();
  assert.deepEqual(generations.map(({ generation, state, schema, group: filledBy }) => ({ generation, state, schema, group: filledBy })), [
    { generation: 0, state: 'retired', schema: 'public', group },
    { generation: 1, state: 'live', schema: 'ledger_g1', group: `${group}-g1` },
  ]);
  // What the live generation had plus what arrived meanwhile: every credit, each once.
  await waitFor(async () => [...(await read())].every(([walletId, wallet]) => wallet.balance === credited.get(walletId)), { timeout: 60_000, description: 'the new generation has every credit' });
  const final = await read();
  const publishedCredits = credited.size + [...credited.values()].reduce((sum, balance) => sum + (balance - 100), 0);
  assert.equal([...final.values()].reduce((sum, wallet) => sum + wallet.entries, 0), publishedCredits, 'each credit one entry');
  const { rows } = await database.pool.query<{ count: string }>('SELECT count(*) FROM public.wallets WHERE wallet_id = ANY($1)', [wallets]);
  assert.equal(Number(rows[0]!.count), WALLETS, 'the previous generation is kept');

  // The status follows the swap: the live generation's group and its offsets.
  const status = await runThalweg(['projections', 'status', 'ledger', '--json'], { env: { THALWEG_DATABASE_URL: database.url } });
  const [shown] = (JSON.parse(status.stdout) as { projections: Array<{ group: string; topics: Array<{ topic: string; partitions: Array<{ stored: number | null; end: number }> }> }> }).projections;
  assert.equal(shown!.group, `${group}-g1`, transcript(status));
  const walletsTopic = shown!.topics.find((entry) => entry.topic === TOPIC)!;
  // A partition that never held an event has nothing to store (a fresh stack has such partitions).
  assert.ok(walletsTopic.partitions.every((partition) => partition.end === 0 || partition.stored !== null), `every partition with events stored by the new generation: ${transcript(status)}`);

  // The live generation cannot be dropped; the public schema's generation 0 is refused too.
  const dropLive = await runThalweg(['projections', 'drop', 'ledger', '1', '--group', group], { env: { THALWEG_DATABASE_URL: database.url } });
  assert.equal(dropLive.code, 1, transcript(dropLive));
  assert.match(dropLive.stderr, /is live/);
  const dropPublic = await runThalweg(['projections', 'drop', 'ledger', '0', '--group', group], { env: { THALWEG_DATABASE_URL: database.url } });
  assert.equal(dropPublic.code, 1, transcript(dropPublic));
  assert.match(dropPublic.stderr, /public schema/);
});

// The same for the MongoDB projection: projector-mongo rebuilds the identity projection into a
// database of its own while profiles keep changing and a reader reads as the query-api does
// (through the generations' pointer).
test('a MongoDB rebuild during live traffic: reads answer throughout from a whole generation, and the new one holds every change', { timeout: 480_000 }, async (t) => {
  const kafka = testKafka();
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const publisher = createPublisher({ kafka, registry, schemas: loadSchemaCatalog(), topics: loadTopicSpecs(), source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());
  const admin = await testAdmin(t, kafka);
  const topics = loadTopicSpecs().consumedBy('projector-mongo');
  const group = await createTestConsumerGroup(t, admin, { prefix: 'projector-mongo-rebuild', topics });
  onCleanup(t, () => admin.deleteGroups([`${group}-g1`]).catch(() => {}));
  const { name, client } = await createTestMongoDatabase(t, 'identity_rebuild');
  onCleanup(t, () => client.db(`${name}_g1`).dropDatabase());
  const url = new URL(testStack.mongodbUrl);
  url.pathname = `/${name}`;
  await startServiceProcess(t, 'projector-mongo', { THALWEG_MONGODB_URL: url.toString(), THALWEG_CONSUMER_GROUP: group, THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' });

  const tenant = 'acme';
  const at = new Date('2026-01-01T00:00:00Z');
  const users = Array.from({ length: WALLETS }, () => crypto.randomUUID());
  const renamed = new Map<string, number>(users.map((userId) => [userId, 0]));
  for (const [index, userId] of users.entries()) {
    await publisher.publish({ type: 'thalweg.identity.UserRegistered', subject: userId, tenant, data: { userId, tenantId: tenant, email: `rebuild-${index}@example.test`, name: 'r0', country: 'FR', registeredAt: at } });
  }
  const rename = async (userId: string) => {
    const round = renamed.get(userId)! + 1;
    await publisher.publish({ type: 'thalweg.identity.ProfileUpdated', subject: userId, tenant, data: { userId, tenantId: tenant, name: `r${round}`, country: null, preferences: null, updatedAt: at } });
    renamed.set(userId, round);
  };
  const generations = createMongoGenerations({ client, database: name, projection: 'identity', declaredGroup: group });
  const read = async () => {
    const { db } = await generations.serving();
    const documents = await db.collection<{ _id: string; name: string }>('users').find({ _id: { $in: users } }).toArray();
    return new Map(documents.map((document) => [document._id, Number(document.name.slice(1))]));
  };
  await waitFor(async () => (await read()).size === WALLETS, { timeout: 150_000, description: 'the live generation projected the registrations (it reads the whole topic first)' });

  // Five changes a second: FerretDB applies a few hundred events a second, shared by both
  // generations; and it turns every read into PostgreSQL queries, so the reader leaves it room.
  const traffic = underTraffic({ change: (round) => rename(users[round % WALLETS]!), changePause: 200, read, size: WALLETS, readPause: 20 });

  const env = { THALWEG_MONGODB_URL: url.toString() };
  const rebuild = await runThalweg(['projections', 'rebuild', 'identity', '--group', group], { env });
  const reads = await traffic.stop();
  assert.equal(rebuild.code, 0, transcript(rebuild));
  t.diagnostic(rebuild.stdout);
  assert.match(rebuild.stdout, /generation 1 is live; generation 0 is kept/, transcript(rebuild));
  assert.ok(reads.count > 1, 'the reader read during the rebuild');
  // Never a partial model. Without transactions a reader that looked the pointer up just before
  // the swap may read the previous generation once more, a change or two ahead: reported, not failed.
  assert.deepEqual(reads.partial, []);
  if (reads.backwards.length > 0) t.diagnostic(`reads that went back at the swap: ${reads.backwards.join('; ')}`);

  assert.deepEqual((await generations.list()).map(({ generation, state, database }) => ({ generation, state, database })), [
    { generation: 0, state: 'retired', database: name },
    { generation: 1, state: 'live', database: `${name}_g1` },
  ]);
  await waitFor(async () => [...(await read())].every(([userId, round]) => round === renamed.get(userId)), { timeout: 60_000, description: 'the new generation has every change' });

  const status = await runThalweg(['projections', 'status', 'identity', '--json'], { env });
  assert.equal((JSON.parse(status.stdout) as { projections: Array<{ group: string }> }).projections[0]!.group, `${group}-g1`, transcript(status));

  const dropLive = await runThalweg(['projections', 'drop', 'identity', '1', '--group', group], { env });
  assert.equal(dropLive.code, 1, transcript(dropLive));
  assert.match(dropLive.stderr, /is live/);
});
