import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createConsistencyTokens } from '@thalweg/platform/events';
import { createTestDatabase, createTestRedis, securityEnv, startServiceProcess, testConsistencyTokens, testStack, uniqueName, userToken } from '@thalweg/platform/testing';
import { COMMANDS_TOPIC, LEDGER_TOPIC as TOPIC, startWalletServices } from './wallet-services.ts';

// Alice (tenant acme, writer and reader) drives the wallet path; see wallet-services.ts.
const startPath = (t: TestContext) => startWalletServices(t);

test('wallet path: command, decision on the log, projection and a read that honours the consistency token', async (t) => {
  const path = await startPath(t);
  const opened = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'owner-7', currency: 'EUR' } });
  assert.equal(opened.status, 202);
  const { walletId, commandId } = opened.body;
  assert.equal(opened.body.status, 'pending');
  assert.equal(opened.headers.get('location'), `/v1/commands/${commandId}`, 'a 202 names where its status is');
  assert.equal(opened.headers.get('consistency-token'), opened.body.consistencyToken);
  assert.equal(opened.body.position.topic, COMMANDS_TOPIC, 'the command is on the log; the ledger processor decides it');

  const read = await path.query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': opened.body.consistencyToken } });
  assert.equal(read.status, 200);
  assert.deepEqual({ ...read.body, openedAt: undefined, updatedAt: undefined }, { walletId, ownerId: 'owner-7', currency: 'EUR', balanceMinor: 0, version: 1, openedAt: undefined, updatedAt: undefined });

  const credited = await path.command('POST', `/v1/wallets/${walletId}/credits`, { as: 'alice', body: { amountMinor: 1_000, reference: 'salary' } });
  assert.equal(credited.status, 202);
  const debited = await path.command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 250, currency: 'EUR', reference: 'coffee' } });
  assert.equal(debited.status, 202);

  const page1 = await path.query('GET', `/v1/wallets/${walletId}/entries?limit=1`, { as: 'alice', headers: { 'consistency-token': debited.body.consistencyToken } });
  assert.equal(page1.status, 200);
  assert.equal(page1.body.items.length, 1);
  assert.equal(page1.body.items[0].reference, 'salary');
  assert.equal(page1.body.items[0].entryId, credited.body.entryId);
  assert.ok(page1.body.nextCursor);
  const page2 = await path.query('GET', `/v1/wallets/${walletId}/entries?limit=1&cursor=${page1.body.nextCursor}`, { as: 'alice' });
  assert.deepEqual(page2.body.items.map((entry: { direction: string; balanceAfterMinor: number }) => [entry.direction, entry.balanceAfterMinor]), [['debit', 750]]);
  assert.equal(page2.body.nextCursor, null);
  const wallet = await path.query('GET', `/v1/wallets/${walletId}`, { as: 'alice' });
  assert.equal(wallet.body.balanceMinor, 750);

  const otherTenant = await path.query('GET', `/v1/wallets/${walletId}`, { as: 'bob' });
  assert.equal(otherTenant.status, 404, "another tenant's wallet does not exist for them");
});

test('Idempotency-Key: a retry returns the first answer, the same key with another body is a 422', async (t) => {
  const path = await startPath(t);
  const opened = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'owner-8', currency: 'USD' } });
  const credit = { as: 'alice', body: { amountMinor: 500, reference: 'r-1' }, headers: { 'idempotency-key': uniqueName('credit') } };
  const first = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, credit);
  const retry = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, credit);
  assert.equal(first.status, 202);
  assert.equal(retry.status, 202);
  assert.deepEqual(retry.body, first.body);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  const reused = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, { ...credit, body: { amountMinor: 501, reference: 'r-1' } });
  assert.equal(reused.status, 422);
  assert.equal(reused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(reused.body.code, 'THALWEG_IDEMPOTENCY_KEY_REUSED');
  const read = await path.query('GET', `/v1/wallets/${opened.body.walletId}`, { as: 'alice', headers: { 'consistency-token': retry.body.consistencyToken } });
  assert.equal(read.body.balanceMinor, 500, 'credited once');
});

test('a retry whose earlier answer was lost (Redis failed to keep it) answers for the command already on the log: no second event', async (t) => {
  const path = await startPath(t);
  const { redis } = createTestRedis(t, 'lost-answer');
  const opening = { as: 'alice', body: { ownerId: 'owner-9', currency: 'EUR' }, headers: { 'idempotency-key': uniqueName('open') } };
  const opened = await path.command('POST', '/v1/wallets', opening);
  assert.equal(await redis.del(`thalweg:idempotency:acme:open-wallet:${opening.headers['idempotency-key']}`), 1);
  // The wallet's id is reserved by the first run's command: the retry answers for that command, not 409.
  const reopened = await path.command('POST', '/v1/wallets', opening);
  assert.deepEqual([reopened.status, reopened.body.walletId, reopened.body.commandId, reopened.headers.get('idempotent-replayed')], [202, opened.body.walletId, opened.body.commandId, 'true']);
  const key = uniqueName('credit');
  const credit = { as: 'alice', body: { amountMinor: 700, reference: 'r-9' }, headers: { 'idempotency-key': key } };
  const first = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, credit);
  assert.equal(first.status, 202);
  // What a lost answer leaves: the command on the log and recorded, the key's answer gone.
  assert.equal(await redis.del(`thalweg:idempotency:acme:credit:${key}`), 1);
  const again = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, { ...credit, headers: { ...credit.headers, prefer: 'wait=10' } });
  assert.equal(again.status, 200, 'the outcome of the command the first run published');
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual([again.body.commandId, again.body.entryId, again.body.status], [first.body.commandId, first.body.entryId, 'accepted']);
  // The key keeps the first command's answer: its position on the log, not a second event's.
  const replay = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, credit);
  assert.deepEqual(replay.body.position, first.body.position);
  const read = await path.query('GET', `/v1/wallets/${opened.body.walletId}`, { as: 'alice', headers: { 'consistency-token': again.body.consistencyToken } });
  assert.deepEqual([read.body.balanceMinor, read.body.version], [700, 2], 'opened, then credited once');
  // Another request under a key of its own is another entry.
  const other = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, { ...credit, headers: { 'idempotency-key': uniqueName('credit') } });
  assert.notEqual(other.body.entryId, first.body.entryId);
});

test('bad input is a problem+json naming the field; unknown wallets are 404; a token not reached in time is 503', async (t) => {
  const path = await startPath(t);
  const invalid = await path.command('POST', '/v1/wallets', { as: 'alice', body: { currency: 'eur', colour: 'red' } });
  assert.equal(invalid.status, 400);
  assert.match(invalid.headers.get('content-type')!, /^application\/problem\+json/);
  assert.deepEqual(invalid.body.errors.map((entry: { field: string }) => entry.field).sort(), ['body.colour', 'body.currency', 'body.ownerId']);
  const malformed = await path.command('POST', '/v1/wallets', { as: 'alice', body: '{"ownerId": ' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.errors[0].field, 'body');
  const amount = await path.command('POST', `/v1/wallets/${crypto.randomUUID()}/credits`, { as: 'alice', body: { amountMinor: -5, reference: 'x' } });
  assert.equal(amount.status, 400);
  assert.equal(amount.body.errors[0].field, 'body.amountMinor');
  const unknown = await path.command('POST', `/v1/wallets/${crypto.randomUUID()}/credits`, { as: 'alice', body: { amountMinor: 5, reference: 'x' } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'THALWEG_NOT_FOUND');
  const badId = await path.query('GET', '/v1/wallets/not-a-uuid', { as: 'alice' });
  assert.equal(badId.status, 400);
  assert.equal(badId.body.errors[0].field, 'path.walletId');
  const badToken = await path.query('GET', `/v1/wallets/${crypto.randomUUID()}`, { as: 'alice', headers: { 'consistency-token': 'forged' } });
  assert.equal(badToken.status, 400);
  assert.equal(badToken.body.code, 'THALWEG_CONSISTENCY_TOKEN_INVALID');
  // A token not signed with the API's key, naming an offset no projection reaches: refused at once
  // (400), where a token the API signed would be waited on and end in a 503.
  const forged = createConsistencyTokens({ key: 'an-attacker-key-of-32-characters!!' }).position({ topic: TOPIC, partition: 0, offset: '9223372036854775807' });
  const forgedRead = await path.query('GET', `/v1/wallets/${crypto.randomUUID()}`, { as: 'alice', headers: { 'consistency-token': forged } });
  assert.deepEqual({ status: forgedRead.status, code: forgedRead.body.code }, { status: 400, code: 'THALWEG_CONSISTENCY_TOKEN_INVALID' });
  // A user command's token names a topic the ledger projection never reads: no wait could reach it.
  const userEventToken = testConsistencyTokens.position({ topic: 'identity.users.v1', partition: 0, offset: '1' });
  const otherTopic = await path.query('GET', `/v1/wallets/${crypto.randomUUID()}`, { as: 'alice', headers: { 'consistency-token': userEventToken } });
  assert.deepEqual({ status: otherTopic.status, code: otherTopic.body.code, field: otherTopic.body.errors?.[0]?.field }, { status: 400, code: 'THALWEG_CONSISTENCY_TOKEN_INVALID', field: 'header.Consistency-Token' });
  // An empty Idempotency-Key is a malformed key, not a request without one.
  const emptyKey = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'o', currency: 'EUR' }, headers: { 'idempotency-key': '' } });
  assert.deepEqual({ status: emptyKey.status, field: emptyKey.body.errors?.[0]?.field }, { status: 400, field: 'header.Idempotency-Key' });
});

test('a consistency token the projection has not reached within the bound is a 503 with Retry-After, not stale data', async (t) => {
  const group = uniqueName('never-applied');
  const database = await createTestDatabase(t, 'e2e');
  // The read schema's offsets, as the projector's views present them, with no row for the group.
  await database.pool.query('CREATE SCHEMA ledger; CREATE TABLE ledger.projection_offsets (group_id text, topic text, partition int, next_offset bigint, updated_at timestamptz, PRIMARY KEY (group_id, topic, partition))');
  const query = await startServiceProcess(t, 'query-api', {
    ...securityEnv(),
    THALWEG_REDIS_URL: testStack.redisUrl,
    THALWEG_MONGODB_URL: testStack.mongodbUrl,
    THALWEG_DATABASE_URL: database.url,
    THALWEG_LEDGER_PROJECTION_GROUP: group,
    THALWEG_CONSISTENCY_TIMEOUT_MS: '300',
  });
  const token = testConsistencyTokens.position({ topic: TOPIC, partition: 0, offset: '999999999' });
  const response = await fetch(`${query.url}/v1/wallets/${crypto.randomUUID()}`, { headers: { 'consistency-token': token, authorization: `Bearer ${await userToken('alice')}` } });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '1');
  assert.equal(((await response.json()) as { code: string }).code, 'THALWEG_CONSISTENCY_NOT_REACHED');
});

test('every API serves /healthz, /readyz and its OpenAPI document', async (t) => {
  const path = await startPath(t);
  for (const base of [path.urls.command, path.urls.query]) {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(openapi.openapi, '3.1.0');
    assert.ok(Object.keys(openapi.paths).some((route) => route.startsWith('/v1/wallets')));
  }
  const missing = await path.command('GET', '/v1/nothing-here', { as: 'alice' });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'THALWEG_NOT_FOUND');
  const anonymous = await path.command('GET', '/v1/nothing-here');
  assert.equal(anonymous.status, 401, 'no route under /v1 is reached without a token');
});

test('a refused debit is never presented as applied: 422 with Prefer: wait, its outcome rejected, a read with its token the rejection', async (t) => {
  const path = await startPath(t);
  const wait = { prefer: 'wait=20' };
  const opened = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'owner-10', currency: 'EUR' }, headers: wait });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const { walletId } = opened.body;
  assert.equal(opened.headers.get('location'), `/v1/wallets/${walletId}`, 'decided: Location names the wallet');
  assert.equal(opened.headers.get('preference-applied'), 'wait=20');
  const credited = await path.command('POST', `/v1/wallets/${walletId}/credits`, { as: 'alice', body: { amountMinor: 1_250, reference: 'salary' }, headers: wait });
  assert.deepEqual({ status: credited.status, outcome: credited.body.status }, { status: 200, outcome: 'accepted' });
  assert.equal(credited.body.positions[0].topic, TOPIC);
  const debited = await path.command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 250, reference: 'coffee' }, headers: wait });
  assert.equal(debited.status, 200);

  const refused = await path.command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 99_999, reference: 'too much' }, headers: wait });
  assert.equal(refused.status, 422);
  assert.match(refused.headers.get('content-type')!, /^application\/problem\+json/);
  assert.equal(refused.body.code, 'THALWEG_INSUFFICIENT_FUNDS');
  assert.ok(refused.body.commandId, 'the problem names the command');

  // Without waiting: 202, and whoever follows its token learns the rejection, never a balance.
  const pending = await path.command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 99_999, reference: 'still too much' } });
  assert.equal(pending.status, 202);
  const read = await path.query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': pending.body.consistencyToken } });
  assert.deepEqual({ status: read.status, code: read.body.code }, { status: 422, code: 'THALWEG_INSUFFICIENT_FUNDS' });
  const outcome = await path.command('GET', `/v1/commands/${pending.body.commandId}`, { as: 'alice', headers: wait });
  assert.equal(outcome.status, 200);
  assert.deepEqual({ status: outcome.body.status, type: outcome.body.commandType, code: outcome.body.problem.code, problemStatus: outcome.body.problem.status }, { status: 'rejected', type: 'thalweg.ledger.DebitFunds', code: 'THALWEG_INSUFFICIENT_FUNDS', problemStatus: 422 });
  const accepted = await path.command('GET', `/v1/commands/${debited.body.commandId}`, { as: 'alice' });
  assert.deepEqual({ status: accepted.body.status, positions: accepted.body.positions }, { status: 'accepted', positions: debited.body.positions });

  const wallet = await path.query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': debited.body.consistencyToken } });
  assert.deepEqual({ balance: wallet.body.balanceMinor, version: wallet.body.version }, { balance: 1_000, version: 3 }, 'only the accepted movements');
  assert.equal((await path.command('GET', `/v1/commands/${pending.body.commandId}`, { as: 'bob' })).status, 404, "another tenant's command does not exist for them");
  assert.equal((await path.command('GET', `/v1/commands/${crypto.randomUUID()}`, { as: 'alice' })).status, 404);
});

test('a transfer between two wallets of the tenant: linked entries in both, or the money returned when the destination cannot take it', async (t) => {
  const path = await startPath(t);
  const wait = { prefer: 'wait=20' };
  const open = async (currency: string, as = 'alice') => (await path.command('POST', '/v1/wallets', { as, body: { ownerId: 'owner-11', currency }, headers: wait })).body.walletId as string;
  const [source, destination, dollars, globex] = [await open('EUR'), await open('EUR'), await open('USD'), await open('EUR', 'bob')];
  await path.command('POST', `/v1/wallets/${source}/credits`, { as: 'alice', body: { amountMinor: 1_000, reference: 'seed' }, headers: wait });

  const transferred = await path.command('POST', `/v1/wallets/${source}/transfers`, { as: 'alice', body: { destinationWalletId: destination, amountMinor: 300, reference: 'rent' }, headers: wait });
  assert.equal(transferred.status, 200, JSON.stringify(transferred.body));
  assert.equal(transferred.body.positions.length, 4, 'requested, debited, credited, settled');
  const token = transferred.body.consistencyToken;
  const entriesOf = async (walletId: string) => (await path.query('GET', `/v1/wallets/${walletId}/entries`, { as: 'alice', headers: { 'consistency-token': token } })).body.items as Array<{ direction: string; amountMinor: number; transferId: string | null }>;
  const [debit] = (await entriesOf(source)).filter((entry) => entry.transferId);
  const [credit] = await entriesOf(destination);
  assert.deepEqual([debit, credit].map((entry) => [entry!.direction, entry!.amountMinor, entry!.transferId]), [['debit', 300, transferred.body.transferId], ['credit', 300, transferred.body.transferId]]);

  const mismatched = await path.command('POST', `/v1/wallets/${source}/transfers`, { as: 'alice', body: { destinationWalletId: dollars, amountMinor: 100, reference: 'fx' }, headers: wait });
  assert.deepEqual({ status: mismatched.status, code: mismatched.body.code }, { status: 422, code: 'THALWEG_CURRENCY_MISMATCH' });
  const overdrawn = await path.command('POST', `/v1/wallets/${source}/transfers`, { as: 'alice', body: { destinationWalletId: destination, amountMinor: 5_000, reference: 'too much' }, headers: wait });
  assert.deepEqual({ status: overdrawn.status, code: overdrawn.body.code }, { status: 422, code: 'THALWEG_INSUFFICIENT_FUNDS' });
  const later = await path.command('POST', `/v1/wallets/${source}/credits`, { as: 'alice', body: { amountMinor: 1, reference: 'after' }, headers: wait });
  const balance = async (walletId: string) => (await path.query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': later.body.consistencyToken } })).body.balanceMinor;
  assert.deepEqual([await balance(source), await balance(destination), await balance(dollars)], [701, 300, 0], "the refused transfers' money came back to the source");

  const otherTenant = await path.command('POST', `/v1/wallets/${source}/transfers`, { as: 'alice', body: { destinationWalletId: globex, amountMinor: 1, reference: 'x' } });
  assert.deepEqual({ status: otherTenant.status, field: otherTenant.body.errors?.[0]?.field }, { status: 404, field: 'body.destinationWalletId' }, "another tenant's wallet is as unknown");
  const itself = await path.command('POST', `/v1/wallets/${source}/transfers`, { as: 'alice', body: { destinationWalletId: source, amountMinor: 1, reference: 'x' } });
  assert.deepEqual({ status: itself.status, field: itself.body.errors?.[0]?.field }, { status: 400, field: 'body.destinationWalletId' });
});
