import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { createPostgresStore, deadLetterHeaders, projectorReadiness, type ProjectionRecord, type ProjectionStore } from '@thalweg/platform/projection';
import { ThalwegError } from '@thalweg/platform/errors';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { createProjectionFixture, createTestDatabase, cutOffDatabase, devKafkaSasl, readRecordAt, readTopic, testKafka, testStack, uniqueName, waitFor, onCleanup } from '@thalweg/platform/testing';
import { ledgerProjection } from './ledger-projection.ts';
import { createLedgerProjector } from './ledger-projector.ts';
import { ledgerTablesDdl } from './ledger-tables.ts';

const ledgerTypes = ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited', 'thalweg.ledger.FundsDebited'];

/** The projection fixture with a PostgreSQL database of this test's own. */
async function ledgerFixture(t: TestContext) {
  const { kafka, admin, topic, group, deadLetters, publisher, projectorOptions, deadLetterCount } = await createProjectionFixture(t, { prefix: 'ledger', eventTypes: ledgerTypes });
  const database = await createTestDatabase(t, 'ledger');
  const tenant = 'acme';
  const walletId = crypto.randomUUID();
  const at = new Date('2026-01-01T00:00:00Z');
  const events = {
    open: () => publisher.publish({ type: 'thalweg.ledger.WalletOpened', subject: walletId, tenant, data: { walletId, ownerId: 'owner-1', tenantId: tenant, currency: 'EUR', openedAt: at } }),
    credit: (amountMinor: number, target = walletId) =>
      publisher.publish({ type: 'thalweg.ledger.FundsCredited', subject: target, tenant, data: { walletId: target, entryId: crypto.randomUUID(), tenantId: tenant, amountMinor, currency: 'EUR', reference: `c-${amountMinor}`, creditedAt: at, transferId: null } }),
    debit: (amountMinor: number) =>
      publisher.publish({ type: 'thalweg.ledger.FundsDebited', subject: walletId, tenant, data: { walletId, entryId: crypto.randomUUID(), tenantId: tenant, amountMinor, currency: 'EUR', reference: `d-${amountMinor}`, debitedAt: at, transferId: null } }),
  };
  const startProjector = async (options: { decorateStore?: (store: ProjectionStore) => ProjectionStore; sessionTimeout?: number; heartbeatInterval?: number } = {}) => {
    const projector = await createLedgerProjector({ ...projectorOptions(), pool: database.pool, ...options });
    onCleanup(t, () => projector.stop());
    await projector.start();
    return projector;
  };
  const wallet = async () => {
    const { rows } = await database.pool.query<{ balance_minor: string; version: string }>('SELECT balance_minor, version FROM wallets WHERE wallet_id = $1', [walletId]);
    return rows[0] ? { balance: Number(rows[0].balance_minor), version: Number(rows[0].version) } : undefined;
  };
  const entryCount = async () => Number((await database.pool.query<{ count: string }>('SELECT count(*) FROM wallet_entries WHERE wallet_id = $1', [walletId])).rows[0]!.count);
  return { kafka, admin, topic, group, deadLetters, database, events, startProjector, wallet, entryCount, deadLetterCount, walletId, projectorOptions };
}

test('events are projected into wallets and entries, with the offsets in the same database', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  await fixture.events.credit(500);
  await fixture.events.credit(300);
  const last = await fixture.events.debit(200);
  await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 4, { description: 'four events applied' });
  assert.deepEqual(await fixture.wallet(), { balance: 600, version: 4 });
  assert.equal(await fixture.entryCount(), 3);
  const { rows } = await fixture.database.pool.query<{ next_offset: string }>('SELECT next_offset FROM projection_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3', [fixture.group, fixture.topic, last.partition]);
  assert.equal(rows[0]!.next_offset, String(BigInt(last.offset) + 1n));
});

test('redelivered events change nothing, whether the store or Kafka redelivers them', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  await fixture.events.credit(500);
  await fixture.events.debit(100);
  const first = await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 3, { description: 'three events applied' });
  await first.stop();

  // Kafka redelivers everything: the group's committed offsets go back to the start.
  await fixture.admin.resetOffsets({ groupId: fixture.group, topic: fixture.topic, earliest: true });
  const second = await fixture.startProjector();
  // One more event on the same partition: once it is applied, everything before it has been seen.
  await fixture.events.credit(1);
  await waitFor(async () => (await fixture.wallet())?.version === 4, { description: 'the second instance caught up' });
  await second.stop();
  assert.deepEqual(await fixture.wallet(), { balance: 401, version: 4 });
  assert.equal(await fixture.entryCount(), 3);
  assert.equal(await fixture.deadLetterCount(), 0);

  // The store is handed the very same batch twice.
  await fixture.database.pool.query(ledgerTablesDdl);
  const store = createPostgresStore({ pool: fixture.database.pool, handler: ledgerProjection });
  const walletId = crypto.randomUUID();
  const message = { key: Buffer.from(walletId), value: null, headers: {}, timestamp: '0', attributes: 0, offset: '0' };
  const metadata = { id: 'e', type: 'thalweg.ledger.WalletOpened', source: '/test', subject: walletId, time: new Date(), tenant: 'acme', correlationId: 'e', traceparent: '' };
  const records: ProjectionRecord[] = [
    { offset: '0', message, event: { topic: 'replay', partition: 0, offset: '0', key: walletId, schemaId: 1, metadata, data: { walletId, ownerId: 'o', tenantId: 'acme', currency: 'EUR', openedAt: new Date() } } },
    {
      offset: '1',
      message: { ...message, offset: '1' },
      event: { topic: 'replay', partition: 0, offset: '1', key: walletId, schemaId: 1, metadata: { ...metadata, id: 'f', type: 'thalweg.ledger.FundsCredited' }, data: { walletId, entryId: crypto.randomUUID(), tenantId: 'acme', amountMinor: 70, currency: 'EUR', reference: 'r', creditedAt: new Date() } },
    },
  ];
  const batch = { group: 'replay-group', topic: 'replay', partition: 0, records, fromOffset: '0', nextOffset: '2', deadLetter: async (rejected: unknown[]) => assert.deepEqual(rejected, []) };
  await store.init();
  assert.deepEqual(await store.apply(batch), { applied: 2, rejected: 0 });
  assert.deepEqual(await store.apply(batch), { applied: 0, rejected: 0 });
  // A batch an instance that lost the partition still held: older than the stored offset, it
  // changes nothing and leaves the offset where the new owner put it.
  assert.deepEqual(await store.apply({ ...batch, records: records.slice(0, 1), nextOffset: '1' }), { applied: 0, rejected: 0 });
  const { rows } = await fixture.database.pool.query<{ balance_minor: string; version: string }>('SELECT balance_minor, version FROM wallets WHERE wallet_id = $1', [walletId]);
  assert.deepEqual(rows[0], { balance_minor: '70', version: '2' });
  const offsets = await fixture.database.pool.query<{ next_offset: string }>("SELECT next_offset FROM projection_offsets WHERE group_id = 'replay-group'");
  assert.deepEqual(offsets.rows, [{ next_offset: '2' }], 'the offset never moves back');
  // A batch fetched from past the stored offset would skip offsets 2–4: refused, nothing applied.
  const past = { ...batch, records: [{ ...records[1]!, offset: '5' }], fromOffset: '5', nextOffset: '6' };
  await assert.rejects(store.apply(past), { code: 'THALWEG_PROJECTION_GAP', retriable: true });
  const after = await fixture.database.pool.query<{ next_offset: string }>("SELECT next_offset FROM projection_offsets WHERE group_id = 'replay-group'");
  assert.deepEqual(after.rows, [{ next_offset: '2' }], 'a refused gap leaves the offset where it was');
});

test('a poison message and a rejected event go to the dead letter topic while the partition moves on', async (t) => {
  const fixture = await ledgerFixture(t);
  const opened = await fixture.events.open();
  const producer = fixture.kafka.producer();
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  const [poison] = await producer.send({ topic: fixture.topic, acks: -1, messages: [{ key: fixture.walletId, value: Buffer.from('not avro at all'), partition: opened.partition }] });
  // Only an event from outside the ledger processor can name a wallet the ledger never opened.
  const rejected = await fixture.events.credit(1_000, crypto.randomUUID());
  await fixture.events.credit(250);
  await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.balance === 250, { description: 'the credit after the poison applied' });

  const letters = await readTopic(t, fixture.kafka, fixture.deadLetters, 2);
  const header = (letter: (typeof letters)[number], name: string) => letter.headers![name]!.toString();
  const letterAt = (partition: number, offset: string) => letters.find((letter) => header(letter, deadLetterHeaders.partition) === String(partition) && header(letter, deadLetterHeaders.offset) === offset);
  const poisonLetter = letterAt(opened.partition, poison!.baseOffset!)!;
  assert.ok(poisonLetter, 'the poison message is dead-lettered');
  assert.equal(poisonLetter.value!.toString(), 'not avro at all');
  assert.equal(header(poisonLetter, deadLetterHeaders.topic), fixture.topic);
  assert.equal(header(poisonLetter, deadLetterHeaders.partition), String(opened.partition));
  assert.equal(header(poisonLetter, deadLetterHeaders.errorCode), 'THALWEG_EVENT_UNDECODABLE');
  assert.equal(header(poisonLetter, deadLetterHeaders.group), fixture.group);
  assert.equal(header(poisonLetter, deadLetterHeaders.attempts), '1');
  const rejectedLetter = letterAt(rejected.partition, rejected.offset)!;
  assert.ok(rejectedLetter, 'the credit of an unknown wallet is dead-lettered');
  assert.equal(header(rejectedLetter, deadLetterHeaders.errorCode), 'THALWEG_EVENT_REJECTED');
  assert.match(header(rejectedLetter, deadLetterHeaders.errorMessage), /unknown/);
  assert.equal(header(rejectedLetter, 'ce_type'), 'thalweg.ledger.FundsCredited');
  assert.deepEqual(await fixture.wallet(), { balance: 250, version: 2 });
});

test('a registry that answers 404 for every id (a wrong URL path) pauses the partition, turns readiness red and dead-letters nothing', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  await fixture.events.credit(75);
  const wrongPath = createSchemaRegistryClient({ url: `${testStack.registryUrl}/not-the-api` });
  const projector = await createLedgerProjector({ ...fixture.projectorOptions({ registry: wrongPath }), pool: fixture.database.pool });
  onCleanup(t, () => projector.stop());
  await projector.start();
  await waitFor(() => projector.status().retrying.some((entry) => entry.code === 'THALWEG_REGISTRY_UNAVAILABLE'), { description: 'the partition paused on the registry' });
  await assert.rejects(projectorReadiness(projector).check(), /THALWEG_REGISTRY_UNAVAILABLE/);
  await projector.stop();
  assert.equal(await fixture.wallet(), undefined, 'nothing applied');
  assert.equal(await fixture.deadLetterCount(), 0, 'nothing dead-lettered');

  // With the right URL the same group applies every event.
  await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 2, { description: 'the events applied with the right registry' });
  assert.deepEqual(await fixture.wallet(), { balance: 75, version: 2 });
  assert.equal(await fixture.deadLetterCount(), 0);
});

test('a store outage pauses the partition and resumes without losing or dead-lettering an event', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  const projector = await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 1, { description: 'wallet opened' });

  const outage = await cutOffDatabase(t, fixture.database.name);

  for (const amount of [10, 20, 30, 40, 50]) await fixture.events.credit(amount);
  await waitFor(() => projector.status().retrying.some((entry) => entry.code === 'THALWEG_STORE_UNAVAILABLE'), { description: 'the partition is paused and retrying' });

  await outage.restore();
  await waitFor(async () => (await fixture.wallet())?.version === 6, { timeout: 60_000, description: 'all credits applied after the outage' });
  assert.deepEqual(await fixture.wallet(), { balance: 150, version: 6 });
  assert.equal(await fixture.entryCount(), 5);
  assert.equal(await fixture.deadLetterCount(), 0);
  // The store's commit is visible a moment before the runtime has cleared the partition's retry.
  await waitFor(() => projector.status().retrying.length === 0, { description: 'the partition no longer retrying' });
});

test('a batch that outlasts the session timeout keeps the group membership', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  const sessionTimeout = 6_000; // ms, the broker's minimum
  const slow = (store: ProjectionStore): ProjectionStore => ({
    ...store,
    async apply(batch) {
      // Long work inside one batch: twice the session timeout.
      await delay(sessionTimeout * 2);
      return store.apply(batch);
    },
  });
  const projector = await fixture.startProjector({ decorateStore: slow, sessionTimeout, heartbeatInterval: 1_000 });
  await waitFor(async () => (await fixture.wallet())?.version === 1, { timeout: 60_000, description: 'the slow batch applied' });
  assert.equal(projector.status().joins, 1, 'no rebalance during the long batch');
});

test('a partition that moves to another instance while retrying is no longer reported as retrying by the first', async (t) => {
  const { publisher, projectorOptions } = await createProjectionFixture(t, { prefix: 'ledger-moved', eventTypes: ledgerTypes, partitions: 2 });
  const database = await createTestDatabase(t, 'ledger');
  const partitions = new Set<number>();
  while (partitions.size < 2) {
    const walletId = crypto.randomUUID();
    const opened = await publisher.publish({ type: 'thalweg.ledger.WalletOpened', subject: walletId, tenant: 'acme', data: { walletId, ownerId: 'o', tenantId: 'acme', currency: 'EUR', openedAt: new Date() } });
    partitions.add(opened.partition);
  }
  // This instance's store is down for good; the second instance's works.
  const broken = await createLedgerProjector({
    ...projectorOptions(),
    pool: database.pool,
    decorateStore: (store) => ({ ...store, apply: async () => Promise.reject(new ThalwegError('THALWEG_STORE_UNAVAILABLE', 'this instance cannot reach its store')) }),
  });
  onCleanup(t, () => broken.stop());
  await broken.start();
  await waitFor(() => broken.status().retrying.length === 2, { description: 'both partitions retrying on the broken instance' });

  const healthy = await createLedgerProjector({ ...projectorOptions(), pool: database.pool });
  onCleanup(t, () => healthy.stop());
  await healthy.start();
  await waitFor(() => broken.status().assigned.length === 1 && healthy.status().assigned.length === 1, { timeout: 60_000, description: 'the partitions shared out' });
  const status = broken.status();
  assert.deepEqual(
    status.retrying.map((entry) => entry.partition),
    status.assigned,
    'retrying only the partition it still owns',
  );
});

test('a consumer kafkajs will not restart (its principal may not join the group) makes the projector not running', async (t) => {
  const { projectorOptions } = await createProjectionFixture(t, { prefix: 'ledger-refused', eventTypes: ledgerTypes });
  const database = await createTestDatabase(t, 'ledger');
  // projector-postgres may read its topic, but holds no ACL on a group outside its prefix: the
  // join is refused for good.
  const kafka = testKafka(undefined, { sasl: devKafkaSasl('projector-postgres') });
  const projector = await createLedgerProjector({ ...projectorOptions({ kafka, topics: ['ledger.wallets.v1'], group: uniqueName('not-its-group') }), pool: database.pool });
  onCleanup(t, () => projector.stop());
  await projector.start();
  await waitFor(() => !projector.status().running, { description: 'the projector reports the crash' });
  await assert.rejects(projectorReadiness(projector).check(), /not running/);
});

test('an aborted transaction of a producer never reaches the projection; its committed one does', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  const transactional = fixture.kafka.producer({ transactionalId: uniqueName('ledger-writer'), idempotent: true, maxInFlightRequests: 1 });
  await transactional.connect();
  onCleanup(t, () => transactional.disconnect());
  // The same encoded credit, written twice in transactions: once aborted, once committed.
  const credit = await readRecordAt(t, fixture.kafka, await fixture.events.credit(40));
  const copy = (amount: string) => ({ key: credit.key, value: credit.value, headers: { ...credit.headers, ce_id: amount } });
  const aborted = await transactional.transaction();
  await aborted.send({ topic: fixture.topic, acks: -1, messages: [copy('aborted-1'), copy('aborted-2')] });
  await aborted.abort();
  const fresh = await readRecordAt(t, fixture.kafka, await fixture.events.credit(2));
  const committed = await transactional.transaction();
  const [written] = await committed.send({ topic: fixture.topic, acks: -1, messages: [{ key: fresh.key, value: fresh.value, headers: fresh.headers }] });
  await committed.commit();
  await fixture.startProjector();
  const appliedPast = async (offset: string) => {
    const { rows } = await fixture.database.pool.query<{ next_offset: string }>('SELECT next_offset FROM projection_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3', [fixture.group, fixture.topic, written!.partition]);
    return rows.length > 0 && BigInt(rows[0]!.next_offset) > BigInt(offset);
  };
  await waitFor(() => appliedPast(written!.baseOffset!), { description: 'the projection passed the committed copy' });
  // The committed copy repeats an entry id, so the ledger refuses it: one dead letter. The aborted
  // copies, had they been read, would have been two more.
  assert.equal(await fixture.deadLetterCount(), 1, 'nothing of the aborted transaction reached the projection');
  assert.deepEqual(await fixture.wallet(), { balance: 42, version: 3 });
});

/** Kafka's committed offset of the fixture's group on `partition` ('-1' when none). */
async function committedOffset(fixture: Awaited<ReturnType<typeof ledgerFixture>>, partition: number): Promise<bigint> {
  const [entry] = await fixture.admin.fetchOffsets({ groupId: fixture.group, topics: [fixture.topic] });
  return BigInt(entry!.partitions.find((offsets) => offsets.partition === partition)?.offset ?? '-1');
}

test("a store wiped under the same group is rebuilt from the topic's first offset, whatever Kafka's committed offsets say", async (t) => {
  const fixture = await ledgerFixture(t);
  const opened = await fixture.events.open();
  await fixture.events.credit(500);
  await fixture.events.debit(120);
  const first = await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 3, { description: 'three events applied' });
  await waitFor(async () => (await committedOffset(fixture, opened.partition)) > 0n, { description: "the group's offset committed to Kafka" });
  await first.stop();

  // What restoring an empty database does: no rows, no stored offsets; Kafka still has the group's.
  await fixture.database.pool.query('TRUNCATE wallets, wallet_entries, transfers, projection_offsets');
  await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 3, { description: 'the history projected again' });
  assert.deepEqual(await fixture.wallet(), { balance: 380, version: 3 });
  assert.equal(await fixture.entryCount(), 2);
  assert.equal(await fixture.deadLetterCount(), 0);
});

test('a store restored from an older backup replays what it had not applied, and nothing twice', async (t) => {
  const fixture = await ledgerFixture(t);
  await fixture.events.open();
  await fixture.events.credit(100);
  const first = await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 2, { description: 'the backup point reached' });
  await first.stop();
  const pool = fixture.database.pool;
  for (const table of ['wallets', 'wallet_entries', 'projection_offsets']) await pool.query(`CREATE TABLE backup_${table} AS TABLE ${table}`);

  const second = await fixture.startProjector();
  await fixture.events.credit(200);
  await fixture.events.debit(50);
  await waitFor(async () => (await fixture.wallet())?.version === 4, { description: 'the later events applied' });
  await second.stop();

  // The database goes back to the backup; Kafka's committed offsets stay past it.
  await pool.query('TRUNCATE wallets, wallet_entries, projection_offsets');
  for (const table of ['wallets', 'wallet_entries', 'projection_offsets']) await pool.query(`INSERT INTO ${table} SELECT * FROM backup_${table}`);
  assert.deepEqual(await fixture.wallet(), { balance: 100, version: 2 });
  await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 4, { description: 'the difference replayed' });
  assert.deepEqual(await fixture.wallet(), { balance: 250, version: 4 });
  assert.equal(await fixture.entryCount(), 3);
  assert.equal(await fixture.deadLetterCount(), 0, 'nothing applied twice (a second WalletOpened would be rejected)');
});

test('a partition whose unapplied events are gone from the topic stops loudly: nothing applied past the gap, readiness red', async (t) => {
  const fixture = await ledgerFixture(t);
  const opened = await fixture.events.open();
  const first = await fixture.startProjector();
  await waitFor(async () => (await fixture.wallet())?.version === 1, { description: 'the wallet opened' });
  await first.stop();
  await fixture.events.credit(10);
  const lost = await fixture.events.credit(20);
  await fixture.events.credit(30);
  // Retention removes what the store has not applied yet. (KafkaJS finds the partition's leader
  // only in metadata it already holds.)
  await fixture.admin.fetchTopicMetadata({ topics: [fixture.topic] });
  await fixture.admin.deleteTopicRecords({ topic: fixture.topic, partitions: [{ partition: opened.partition, offset: String(BigInt(lost.offset) + 1n) }] });

  const projector = await fixture.startProjector();
  const readiness = projectorReadiness(projector);
  await waitFor(() => projector.status().stopped.length === 1, { description: 'the partition stopped' });
  assert.deepEqual(
    projector.status().stopped.map(({ partition, code }) => ({ partition, code })),
    [{ partition: `${fixture.topic}/${opened.partition}`, code: 'THALWEG_PROJECTION_HISTORY_LOST' }],
  );
  await assert.rejects(readiness.check(), /THALWEG_PROJECTION_HISTORY_LOST/);
  assert.deepEqual(await fixture.wallet(), { balance: 0, version: 1 }, 'the credit after the gap was not applied');
  assert.equal(await fixture.deadLetterCount(), 0);
});
