import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toHeaders } from '@thalweg/platform/events';
import { loadSchemaCatalog, repoRoot } from '@thalweg/platform/schemas';
import { createProjectionFixture, createTestConsumerGroup, createTestDatabase, createTestTopic, onCleanup, readRecordAt, registerTestSchemas, uniqueName, waitFor } from '@thalweg/platform/testing';
import { deadLetterTopicName, deadLetterTopicOf, retryTopicName, withRetryTopics } from '@thalweg/platform/topics';
import { createLedgerProjector } from './ledger-projector.ts';

const ledgerTypes = ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited'];
const catalog = loadSchemaCatalog();
const fundsCredited = catalog.get('thalweg.ledger.FundsCredited');
const run = promisify(execFile);

/** The thalweg command, run as an operator runs it; never throws, the exit code is in the answer. */
async function thalweg(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(repoRoot, 'services/cli/bin/thalweg'), args, { env: process.env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
const transcript = (answer: { code: number; stdout: string; stderr: string }) => `exit ${answer.code}\n--- stdout\n${answer.stdout}\n--- stderr\n${answer.stderr}`;

/**
 * A schema id the registry will hand out next: one more than that of a schema only this test
 * registers. The poison is written with it before it exists (a producer using a schema it has not
 * registered yet); registering the fix then gives it that id, unless another registration of new
 * schema content came in between, which the test reports rather than mistakes for a failure.
 */
async function nextSchemaId(t: TestContext, topic: string): Promise<number> {
  const probe = { type: 'record', name: `Probe${uniqueName('', '')}`, namespace: 'thalweg.test', doc: 'A schema only this test registers.', fields: [{ name: 'a', type: 'string', doc: 'x' }] };
  const ids = await registerTestSchemas(t, `${topic}-probe`, [{ fullName: 'thalweg.test.Probe', schema: probe }]);
  return ids.get('thalweg.test.Probe')! + 1;
}

/** A ledger projector as projector-postgres wires it: its topic and its retry topic, dead letters to the topic's dead letter topic. */
async function startLedgerProjector(t: TestContext, fixture: Awaited<ReturnType<typeof createProjectionFixture>>, group: string) {
  const database = await createTestDatabase(t, 'redrive');
  const projector = await createLedgerProjector({
    ...fixture.projectorOptions({ group, topics: withRetryTopics([fixture.topic], group), deadLetterTopic: (source) => deadLetterTopicOf(source, group) }),
    pool: database.pool,
  });
  onCleanup(t, () => projector.stop());
  await projector.start();
  const wallet = async (walletId: string) => {
    const { rows } = await database.pool.query<{ balance_minor: string; version: string }>('SELECT balance_minor, version FROM wallets WHERE wallet_id = $1', [walletId]);
    return rows[0] ? { balance: Number(rows[0].balance_minor), version: Number(rows[0].version) } : undefined;
  };
  return { database, wallet };
}

test('a poison event fixed by registering its schema is replayed to the group that failed it, applied once, and seen by no other group', async (t) => {
  const fixture = await createProjectionFixture(t, { prefix: 'redrive', eventTypes: ledgerTypes, partitions: 3 });
  const { admin, kafka, topic, publisher } = fixture;
  const failing = fixture.group;
  const other = await createTestConsumerGroup(t, admin, { prefix: 'redrive-other', topics: [topic] });
  for (const group of [failing, other]) await createTestTopic(t, admin, { name: retryTopicName(topic, group), partitions: 3 });
  const endOf = async (name: string) => (await admin.fetchTopicOffsets(name)).reduce((sum, partition) => sum + Number(partition.high), 0);

  // Given: a wallet, a credit written with a schema the registry does not know yet, a later credit.
  const tenant = 'acme';
  const walletId = crypto.randomUUID();
  const at = new Date('2026-01-01T00:00:00Z');
  const opened = await publisher.publish({ type: 'thalweg.ledger.WalletOpened', subject: walletId, tenant, data: { walletId, ownerId: 'owner-1', tenantId: tenant, currency: 'EUR', openedAt: at } });
  const schemaId = await nextSchemaId(t, topic);
  const entryId = crypto.randomUUID();
  const credit = { walletId, entryId, tenantId: tenant, amountMinor: 500, currency: 'EUR', reference: 'poison', creditedAt: at, transferId: null };
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  const metadata = { id: crypto.randomUUID(), type: fundsCredited.fullName, source: '/thalweg/test', subject: walletId, time: at, tenant, correlationId: 'c-poison', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
  const [written] = await producer.send({
    topic,
    acks: -1,
    messages: [{ partition: opened.partition, key: walletId, value: Buffer.concat([header, fundsCredited.type.toBuffer(credit)]), headers: toHeaders(metadata) }],
  });
  const poison = { partition: opened.partition, offset: written!.baseOffset! };
  await publisher.publish({ type: 'thalweg.ledger.FundsCredited', subject: walletId, tenant, data: { ...credit, entryId: crypto.randomUUID(), amountMinor: 100, reference: 'after' } });

  // When: two groups project the topic; each dead-letters the poison and moves on.
  const failingStore = await startLedgerProjector(t, fixture, failing);
  const otherStore = await startLedgerProjector(t, fixture, other);
  for (const [group, store] of [[failing, failingStore], [other, otherStore]] as const) {
    await waitFor(async () => (await store.wallet(walletId))?.version === 2 && (await endOf(deadLetterTopicName(topic, group))) === 1, { timeout: 60_000, description: `${group}: the wallet credited once, the poison dead-lettered` });
  }
  const failingDeadLetters = deadLetterTopicName(topic, failing);
  const listed = await thalweg('dlq', 'list', '--group', failing, '--json');
  assert.equal(listed.code, 0, transcript(listed));
  assert.deepEqual(JSON.parse(listed.stdout).topics[0].byCode.map(({ code, pending }: { code: string; pending: number }) => [code, pending]), [['THALWEG_SCHEMA_NOT_FOUND', 1]]);

  // The fix: the writer's schema (the credit's, with its own doc) is registered and gets the id the poison carries.
  const registered = fundsCredited.schema as Record<string, unknown>;
  const writer = { ...registered, doc: `${String(registered.doc)} (${uniqueName('writer')})` };
  const fixed = await registerTestSchemas(t, `${topic}-fix`, [{ fullName: fundsCredited.fullName, schema: writer }]);
  assert.equal(fixed.get(fundsCredited.fullName), schemaId, 'another registration of new schema content took the id the poison carries; run the test again');
  const shown = await thalweg('dlq', 'show', failingDeadLetters, '--json');
  assert.equal(shown.code, 0, transcript(shown));
  const [letter] = JSON.parse(shown.stdout).deadLetters;
  assert.deepEqual(letter.origin, { topic, ...poison });
  assert.equal(letter.value.payload.entryId, entryId, 'the dead letter decodes now');

  // Then: the replay reaches the failing group only, which applies it with its original coordinates.
  const replayed = await thalweg('dlq', 'replay', failingDeadLetters, '--code', 'THALWEG_SCHEMA_NOT_FOUND', '--reason', 'writer schema registered');
  assert.equal(replayed.code, 0, transcript(replayed));
  assert.match(replayed.stdout, /Replayed 1 dead letter of /, transcript(replayed));
  await waitFor(async () => (await failingStore.wallet(walletId))?.balance === 600, { timeout: 60_000, description: 'the replayed credit applied' });
  const { rows } = await failingStore.database.pool.query('SELECT source_topic, source_partition, source_offset FROM wallet_entries WHERE entry_id = $1', [entryId]);
  assert.deepEqual(rows, [{ source_topic: topic, source_partition: poison.partition, source_offset: poison.offset }], 'the entry names where the event was first written');

  // Replaying again sends nothing: the replay is on the retry topic.
  const again = await thalweg('dlq', 'replay', failingDeadLetters, '--all');
  assert.equal(again.code, 0, transcript(again));
  assert.match(again.stdout, /Replayed 0 dead letters of .*; skipped 1 already replayed\./, transcript(again));
  assert.equal(await endOf(retryTopicName(topic, failing)), 1);

  // Even a second copy on the retry topic (two operators at once) is not applied twice: the
  // ledger refuses the entry it already has, and the copy comes back as a new dead letter.
  const replay = await readRecordAt(t, kafka, { topic: retryTopicName(topic, failing), partition: poison.partition, offset: '0' });
  await producer.send({ topic: retryTopicName(topic, failing), acks: -1, messages: [{ partition: poison.partition, key: replay.key, value: replay.value, headers: replay.headers }] });
  await waitFor(async () => (await endOf(failingDeadLetters)) === 2, { timeout: 60_000, description: 'the copy dead-lettered' });
  assert.deepEqual(await failingStore.wallet(walletId), { balance: 600, version: 3 }, 'applied once');
  const copy = JSON.parse((await thalweg('dlq', 'show', failingDeadLetters, '--json')).stdout).deadLetters.find((entry: { status: string }) => entry.status === 'pending');
  assert.deepEqual(copy.origin, { topic, ...poison }, 'a replay that fails again names the original event');
  assert.equal(copy.replays, 1);
  assert.equal(copy.code, 'THALWEG_EVENT_REJECTED');

  // The other group never saw the replay: its retry topic is empty and its wallet lacks the credit.
  assert.equal(await endOf(retryTopicName(topic, other)), 0);
  assert.deepEqual(await otherStore.wallet(walletId), { balance: 100, version: 2 });
  assert.equal(await endOf(deadLetterTopicName(topic, other)), 1);
});
