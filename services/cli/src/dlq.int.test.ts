import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ThalwegError } from '@thalweg/platform/errors';
import { toHeaders } from '@thalweg/platform/events';
import { deadLetterHeaders, deadLetterMessage } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createTestTopic, onCleanup, registerTestSchemas, testAdmin, testKafka, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { deadLetterTopicName, retryTopicName } from '@thalweg/platform/topics';
import { runThalweg, transcript } from './testing/run-thalweg.ts';

const catalog = loadSchemaCatalog();
const walletOpened = catalog.get('thalweg.ledger.WalletOpened');
/** A schema id no registry hands out soon: the poison of a dead letter that still does not decode. */
const unknownSchemaId = 2_147_483_000;

/**
 * A dead letter topic of the test's own with three dead letters, written as the projector runtime
 * writes them: 0@0 and 1@0 failed for an unknown schema (0@0 decodes now, 1@0 still does not),
 * 0@1 was rejected by its handler. Their dead-letter times are fixed, for the time filters.
 */
async function deadLetterTopic(t: TestContext, { withRetryTopic = true } = {}) {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const source = `${uniqueName('it', '')}.wallets.v1`;
  const group = uniqueName('projector-dlq');
  const dlq = await createTestTopic(t, admin, { name: deadLetterTopicName(source, group), partitions: 2 });
  if (withRetryTopic) await createTestTopic(t, admin, { name: retryTopicName(source, group), partitions: 2 });
  const ids = await registerTestSchemas(t, source, [{ fullName: walletOpened.fullName, schema: walletOpened.schema }]);
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const walletId = crypto.randomUUID();
  const payload = { walletId, ownerId: 'owner-1', tenantId: 'acme', currency: 'EUR', openedAt: new Date('2026-11-01T00:00:00Z') };
  const body = registry.encode(ids.get(walletOpened.fullName)!, walletOpened.type, payload);
  const poison = Buffer.from(body);
  poison.writeInt32BE(unknownSchemaId, 1);
  const headers = toHeaders({ id: crypto.randomUUID(), type: walletOpened.fullName, source: '/thalweg/test', subject: walletId, time: new Date('2026-11-01T00:00:00Z'), tenant: 'acme', correlationId: 'c-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  const letter = (partition: number, offset: string, value: Buffer, error: ThalwegError, time: string) => {
    const message = deadLetterMessage({ group, topic: source, partition, attempts: 1 }, { offset, message: { key: Buffer.from(walletId), value, headers, timestamp: String(Date.now()), attributes: 0, offset, size: 0 } as never, error });
    return { ...message, partition, timestamp: undefined, headers: { ...message.headers, [deadLetterHeaders.time]: time } };
  };
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({
    topic: dlq,
    acks: -1,
    messages: [
      letter(0, '10', body, new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `schema id ${ids.get(walletOpened.fullName)}: not found in the registry`), '2026-11-01T00:00:00.000Z'),
      letter(0, '11', body, new ThalwegError('THALWEG_EVENT_REJECTED', `wallet ${walletId} was already opened`), '2026-11-15T00:00:00.000Z'),
      letter(1, '20', poison, new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `schema id ${unknownSchemaId}: not found in the registry`), '2026-11-30T00:00:00.000Z'),
    ],
  });
  await producer.disconnect();
  return { kafka, admin, source, group, dlq, walletId };
}

const json = (run: { stdout: string }) => JSON.parse(run.stdout);
const positions = (letters: Array<{ deadLetter: { partition: number; offset: string } }>) => letters.map(({ deadLetter }) => `${deadLetter.partition}@${deadLetter.offset}`);

test('dlq list counts each dead letter topic per group and error code; show decodes, filters and tells what still does not decode', async (t) => {
  const { dlq, group, walletId, source } = await deadLetterTopic(t);

  const listed = await runThalweg(['dlq', 'list', '--group', group, '--json']);
  assert.equal(listed.code, 0, transcript(listed));
  const [summary] = json(listed).topics;
  assert.equal(summary.topic, dlq);
  assert.deepEqual({ total: summary.total, pending: summary.pending, replayed: summary.replayed, discarded: summary.discarded }, { total: 3, pending: 3, replayed: 0, discarded: 0 });
  assert.deepEqual(
    summary.byCode.map((row: { code: string; group: string; pending: number }) => [row.group, row.code, row.pending]),
    [
      [group, 'THALWEG_EVENT_REJECTED', 1],
      [group, 'THALWEG_SCHEMA_NOT_FOUND', 2],
    ],
  );
  const table = await runThalweg(['dlq', 'list', '--group', group]);
  assert.equal(table.code, 0, transcript(table));
  assert.match(table.stdout, new RegExp(`${dlq.replaceAll('.', '\\.')}\\s+${group}\\s+THALWEG_SCHEMA_NOT_FOUND\\s+2\\s+0\\s+0\\s+2`), transcript(table));
  assert.match(table.stdout, /Total: 3 dead letters in 1 topic: 3 pending, 0 replayed, 0 discarded\./, transcript(table));

  const byCode = await runThalweg(['dlq', 'show', dlq, '--code', 'THALWEG_SCHEMA_NOT_FOUND', '--json']);
  assert.equal(byCode.code, 0, transcript(byCode));
  const letters = json(byCode).deadLetters;
  assert.deepEqual(positions(letters), ['0@0', '1@0']);
  assert.deepEqual(letters[0].origin, { topic: source, partition: 0, offset: '10' });
  assert.equal(letters[0].value.type, 'thalweg.ledger.WalletOpened');
  assert.equal(letters[0].value.payload.walletId, walletId);
  assert.equal(letters[0].headers.ce_type, 'thalweg.ledger.WalletOpened');
  assert.equal(letters[0].headers[deadLetterHeaders.errorCode], undefined, 'the event headers are the event’s own');
  assert.deepEqual(letters[1].value, { schemaId: unknownSchemaId, error: { code: 'THALWEG_SCHEMA_NOT_FOUND', message: `schema id ${unknownSchemaId}: not found in the registry` } });

  const chosen = async (...filters: string[]) => {
    const run = await runThalweg(['dlq', 'show', dlq, ...filters, '--json']);
    assert.equal(run.code, 0, transcript(run));
    return positions(json(run).deadLetters);
  };
  assert.deepEqual(await chosen('--partition', '0', '--offset', '1'), ['0@1']);
  assert.deepEqual(await chosen('--offset', '0-5', '--limit', '2'), ['0@0', '0@1']);
  assert.deepEqual(await chosen('--since', '2026-11-10T00:00:00Z', '--until', '2026-11-20T00:00:00Z'), ['0@1']);

  const text = await runThalweg(['dlq', 'show', dlq, '--partition', '1']);
  assert.equal(text.code, 0, transcript(text));
  assert.match(text.stdout, new RegExp(`^${dlq.replaceAll('.', '\\.')} 1@0  pending$`, 'm'), transcript(text));
  assert.match(text.stdout, /error {5}THALWEG_SCHEMA_NOT_FOUND: schema id \d+: not found in the registry/, transcript(text));
  assert.match(text.stdout, /value {5}not decodable \(schema id \d+\): THALWEG_SCHEMA_NOT_FOUND/, transcript(text));
  assert.match(text.stderr, /reading .*: 1 of 3 dead letters chosen/, 'progress goes to stderr, a plain line per step off a terminal');
});

test('dlq discard records who and why; a discarded dead letter is no longer pending, and replay skips it', async (t) => {
  const { dlq, group } = await deadLetterTopic(t);
  const discarded = await runThalweg(['dlq', 'discard', dlq, '--code', 'THALWEG_EVENT_REJECTED', '--reason', 'the wallet was opened once; the duplicate is harmless']);
  assert.equal(discarded.code, 0, transcript(discarded));
  assert.match(discarded.stdout, /^discarded 0@1 \(THALWEG_EVENT_REJECTED, event .* 0@11\)$/m, transcript(discarded));
  assert.match(discarded.stdout, /Discarded 1 dead letter of .* as \S+ \(\S+\): the wallet was opened once/, transcript(discarded));

  const listed = json(await runThalweg(['dlq', 'list', '--group', group, '--json'])).topics[0];
  assert.deepEqual({ pending: listed.pending, discarded: listed.discarded }, { pending: 2, discarded: 1 });
  const [shown] = json(await runThalweg(['dlq', 'show', dlq, '--partition', '0', '--offset', '1', '--json'])).deadLetters;
  assert.equal(shown.status, 'discarded');
  assert.equal(shown.action.action, 'discard');
  assert.equal(shown.action.by.principal, process.env.THALWEG_KAFKA_USERNAME || 'anonymous');
  assert.equal(shown.action.reason, 'the wallet was opened once; the duplicate is harmless');

  const replay = await runThalweg(['dlq', 'replay', dlq, '--code', 'THALWEG_EVENT_REJECTED']);
  assert.equal(replay.code, 0, transcript(replay));
  assert.match(replay.stdout, /Replayed 0 dead letters of .*; skipped 1 discarded\./, transcript(replay));
  const again = await runThalweg(['dlq', 'discard', dlq, '--code', 'THALWEG_EVENT_REJECTED', '--reason', 'twice']);
  assert.match(again.stdout, /Discarded 0 dead letters of .*; skipped 1 discarded\./, transcript(again));
});

test('dlq replay refuses a group whose running consumers do not read its retry topic, and replays nothing', async (t) => {
  const { kafka, admin, dlq, group } = await deadLetterTopic(t);
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  // A member of the group reading something else: a processor, or a projector started before its retry topic.
  const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false });
  onCleanup(t, () => consumer.disconnect());
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic: dlq });
  await consumer.run({ eachMessage: async () => {} });
  await waitFor(() => joined, { description: 'the member joined' });
  const refused = await runThalweg(['dlq', 'replay', dlq, '--all']);
  assert.equal(refused.code, 1, transcript(refused));
  assert.match(refused.stderr, /THALWEG_DLQ_RETRY_UNREAD: group .* is running and none of its consumers reads .*\.retry.*\(nothing was replayed\)/, transcript(refused));
  assert.equal(json(await runThalweg(['dlq', 'list', '--group', group, '--json'])).topics[0].pending, 3);
});

test('bad input is refused with exit 2 and changes nothing; an unknown topic, a missing retry topic and no registry fail with exit 1', async (t) => {
  const { dlq, group } = await deadLetterTopic(t, { withRetryTopic: false });
  const refused = async (expected: number, pattern: RegExp, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runThalweg(args, { env });
    assert.equal(run.code, expected, transcript(run));
    assert.match(run.stderr, pattern, transcript(run));
  };
  await refused(2, /"ledger\.wallets\.v1" is not a dead letter topic name/, ['dlq', 'show', 'ledger.wallets.v1']);
  await refused(2, /name the dead letter topic/, ['dlq', 'show']);
  await refused(2, /--since "yesterday": expected an ISO 8601 time/, ['dlq', 'show', dlq, '--since', 'yesterday']);
  await refused(2, /--offset "9-3": the range ends before it begins/, ['dlq', 'replay', dlq, '--offset', '9-3']);
  await refused(2, /choose the dead letters to replay .* or give --all/, ['dlq', 'replay', dlq]);
  await refused(2, /--reason <text> is required/, ['dlq', 'discard', dlq, '--all']);
  await refused(2, /--all chooses every pending dead letter/, ['dlq', 'discard', dlq, '--all', '--code', 'X', '--reason', 'r']);
  await refused(2, /--reason does not apply to "thalweg dlq show"/, ['dlq', 'show', dlq, '--reason', 'r']);
  await refused(1, /THALWEG_TOPIC_UNKNOWN: no dead letter topic a\.b\.v1\.nobody\.dlq on the cluster/, ['dlq', 'show', 'a.b.v1.nobody.dlq']);
  await refused(1, /THALWEG_REGISTRY_UNAVAILABLE: no schema registry answering at http:\/\/127\.0\.0\.1:9\/ccompat/, ['dlq', 'show', dlq], { THALWEG_REGISTRY_URL: 'http://127.0.0.1:9/ccompat' });
  await refused(1, /THALWEG_TOPIC_UNKNOWN: the retry topic .*\.retry does not exist; `thalweg topics apply` creates it \(nothing was replayed\)/, ['dlq', 'replay', dlq, '--all']);
  const listed = json(await runThalweg(['dlq', 'list', '--group', group, '--json'])).topics[0];
  assert.deepEqual({ pending: listed.pending, replayed: listed.replayed, discarded: listed.discarded }, { pending: 3, replayed: 0, discarded: 0 }, 'nothing was changed');
});
