import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { createPublisher } from '@thalweg/platform/events';
import { createPostgresGenerations } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createTestConsumerGroup, createTestDatabase, onCleanup, startServiceProcess, testAdmin, testKafka, testStack, waitFor } from '@thalweg/platform/testing';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { runThalweg, transcript } from './testing/run-thalweg.ts';

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

  // Live traffic and a reader, until the rebuild is over.
  let rebuilding = true;
  const traffic = (async () => {
    for (let round = 0; rebuilding; round += 1) {
      await credit(wallets[round % WALLETS]!, 1);
      // About fifty credits a second: traffic, without starving the rebuild of the machine.
      await delay(20);
    }
  })();
  const seen = new Map<string, number>(wallets.map((walletId) => [walletId, 0]));
  const reads = { count: 0, problems: [] as string[] };
  const reader = (async () => {
    while (rebuilding) {
      const current = await read();
      reads.count += 1;
      if (current.size !== WALLETS) reads.problems.push(`read ${reads.count}: ${current.size} of ${WALLETS} wallets`);
      for (const [walletId, { balance }] of current) {
        // Only credits arrive: a balance that goes down was read from a model behind the one before.
        if (balance < seen.get(walletId)!) reads.problems.push(`read ${reads.count}: ${walletId} went from ${seen.get(walletId)} to ${balance}`);
        seen.set(walletId, balance);
      }
    }
  })();

  const rebuild = await runThalweg(['projections', 'rebuild', 'ledger', '--group', group], { env: { THALWEG_DATABASE_URL: database.url } });
  rebuilding = false;
  await Promise.all([traffic, reader]);
  assert.equal(rebuild.code, 0, transcript(rebuild));
  t.diagnostic(rebuild.stdout);
  assert.match(rebuild.stdout, /generation 1 is live; generation 0 is kept/, transcript(rebuild));
  assert.ok(reads.count > 1, 'the reader read during the rebuild');
  assert.deepEqual(reads.problems, []);

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
  const [shown] = (JSON.parse(status.stdout) as { projections: Array<{ group: string; topics: Array<{ topic: string; partitions: Array<{ stored: number | null }> }> }> }).projections;
  assert.equal(shown!.group, `${group}-g1`, transcript(status));
  const walletsTopic = shown!.topics.find((entry) => entry.topic === TOPIC)!;
  assert.ok(walletsTopic.partitions.every((partition) => partition.stored !== null), 'every partition stored by the new generation');

  // The live generation cannot be dropped; the public schema's generation 0 is refused too.
  const dropLive = await runThalweg(['projections', 'drop', 'ledger', '1', '--group', group], { env: { THALWEG_DATABASE_URL: database.url } });
  assert.equal(dropLive.code, 1, transcript(dropLive));
  assert.match(dropLive.stderr, /is live/);
  const dropPublic = await runThalweg(['projections', 'drop', 'ledger', '0', '--group', group], { env: { THALWEG_DATABASE_URL: database.url } });
  assert.equal(dropPublic.code, 1, transcript(dropPublic));
  assert.match(dropPublic.stderr, /public schema/);
});
