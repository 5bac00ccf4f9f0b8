import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { encodeConsistencyToken } from '@thalweg/platform/events';
import { createTestDatabase, createTestTopic, startServiceProcess, testAdmin, testStack, uniqueName } from '@thalweg/platform/testing';
import { deadLetterTopicName } from '@thalweg/platform/topics';

// The wallet path through real processes: command-api -> Kafka (ledger.wallets.v1, applied by
// `thalweg topics apply`) -> registry -> projector-postgres -> PostgreSQL -> query-api.
const TOPIC = 'ledger.wallets.v1';

async function startPath(t: TestContext) {
  const group = uniqueName('projector-postgres-e2e');
  const admin = await testAdmin(t);
  await createTestTopic(t, admin, { name: deadLetterTopicName(TOPIC, group), partitions: 6 });
  const database = await createTestDatabase(t, 'e2e');
  const common = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' };
  const [command, query] = await Promise.all([
    startServiceProcess(t, 'command-api', { ...common, THALWEG_REDIS_URL: testStack.redisUrl }),
    startServiceProcess(t, 'query-api', { THALWEG_DATABASE_URL: database.url, THALWEG_LEDGER_PROJECTION_GROUP: group, THALWEG_CONSISTENCY_TIMEOUT_MS: '20000', THALWEG_LOG_LEVEL: 'warn' }),
    startServiceProcess(t, 'projector-postgres', { ...common, THALWEG_DATABASE_URL: database.url, THALWEG_CONSUMER_GROUP: group }),
  ]);
  const tenant = uniqueName('tenant').toLowerCase();
  const call = async (base: string, method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-thalweg-tenant': tenant, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  return {
    tenant,
    command: (method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }) => call(command.url, method, path, options),
    query: (method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }) => call(query.url, method, path, options),
    urls: { command: command.url, query: query.url },
  };
}

test('wallet path: command, Kafka, projection and a read that honours the consistency token', async (t) => {
  const path = await startPath(t);
  const opened = await path.command('POST', '/v1/wallets', { body: { ownerId: 'owner-7', currency: 'EUR' } });
  assert.equal(opened.status, 202);
  const { walletId } = opened.body;
  assert.equal(opened.headers.get('location'), `/v1/wallets/${walletId}`);
  assert.equal(opened.headers.get('consistency-token'), opened.body.consistencyToken);
  assert.equal(opened.body.position.topic, TOPIC);

  const read = await path.query('GET', `/v1/wallets/${walletId}`, { headers: { 'consistency-token': opened.body.consistencyToken } });
  assert.equal(read.status, 200);
  assert.deepEqual({ ...read.body, openedAt: undefined, updatedAt: undefined }, { walletId, ownerId: 'owner-7', currency: 'EUR', balanceMinor: 0, version: 1, openedAt: undefined, updatedAt: undefined });

  const credited = await path.command('POST', `/v1/wallets/${walletId}/credits`, { body: { amountMinor: 1_000, reference: 'salary' } });
  assert.equal(credited.status, 202);
  const debited = await path.command('POST', `/v1/wallets/${walletId}/debits`, { body: { amountMinor: 250, currency: 'EUR', reference: 'coffee' } });
  assert.equal(debited.status, 202);

  const page1 = await path.query('GET', `/v1/wallets/${walletId}/entries?limit=1`, { headers: { 'consistency-token': debited.body.consistencyToken } });
  assert.equal(page1.status, 200);
  assert.equal(page1.body.items.length, 1);
  assert.equal(page1.body.items[0].reference, 'salary');
  assert.equal(page1.body.items[0].entryId, credited.body.entryId);
  assert.ok(page1.body.nextCursor);
  const page2 = await path.query('GET', `/v1/wallets/${walletId}/entries?limit=1&cursor=${page1.body.nextCursor}`);
  assert.deepEqual(page2.body.items.map((entry: { direction: string; balanceAfterMinor: number }) => [entry.direction, entry.balanceAfterMinor]), [['debit', 750]]);
  assert.equal(page2.body.nextCursor, null);
  const wallet = await path.query('GET', `/v1/wallets/${walletId}`);
  assert.equal(wallet.body.balanceMinor, 750);

  const otherTenant = await fetch(`${path.urls.query}/v1/wallets/${walletId}`, { headers: { 'x-thalweg-tenant': 'someone-else' } });
  assert.equal(otherTenant.status, 404, "another tenant's wallet does not exist for them");
});

test('Idempotency-Key: a retry returns the first answer, the same key with another body is a 422', async (t) => {
  const path = await startPath(t);
  const opened = await path.command('POST', '/v1/wallets', { body: { ownerId: 'owner-8', currency: 'USD' } });
  const credit = { body: { amountMinor: 500, reference: 'r-1' }, headers: { 'idempotency-key': 'credit-0001' } };
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
  const read = await path.query('GET', `/v1/wallets/${opened.body.walletId}`, { headers: { 'consistency-token': retry.body.consistencyToken } });
  assert.equal(read.body.balanceMinor, 500, 'credited once');
});

test('bad input is a problem+json naming the field; unknown wallets are 404; a token not reached in time is 503', async (t) => {
  const path = await startPath(t);
  const invalid = await path.command('POST', '/v1/wallets', { body: { currency: 'eur', colour: 'red' } });
  assert.equal(invalid.status, 400);
  assert.match(invalid.headers.get('content-type')!, /^application\/problem\+json/);
  assert.deepEqual(invalid.body.errors.map((entry: { field: string }) => entry.field).sort(), ['body.colour', 'body.currency', 'body.ownerId']);
  const malformed = await path.command('POST', '/v1/wallets', { body: '{"ownerId": ' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.errors[0].field, 'body');
  const amount = await path.command('POST', `/v1/wallets/${crypto.randomUUID()}/credits`, { body: { amountMinor: -5, reference: 'x' } });
  assert.equal(amount.status, 400);
  assert.equal(amount.body.errors[0].field, 'body.amountMinor');
  const unknown = await path.command('POST', `/v1/wallets/${crypto.randomUUID()}/credits`, { body: { amountMinor: 5, reference: 'x' } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'THALWEG_NOT_FOUND');
  const badId = await path.query('GET', '/v1/wallets/not-a-uuid');
  assert.equal(badId.status, 400);
  assert.equal(badId.body.errors[0].field, 'path.walletId');
  const badToken = await path.query('GET', `/v1/wallets/${crypto.randomUUID()}`, { headers: { 'consistency-token': 'forged' } });
  assert.equal(badToken.status, 400);
  assert.equal(badToken.body.code, 'THALWEG_CONSISTENCY_TOKEN_INVALID');
});

test('a consistency token the projection has not reached within the bound is a 503 with Retry-After, not stale data', async (t) => {
  const group = uniqueName('never-applied');
  const database = await createTestDatabase(t, 'e2e');
  await database.pool.query('CREATE TABLE projection_offsets (group_id text, topic text, partition int, next_offset bigint, updated_at timestamptz, PRIMARY KEY (group_id, topic, partition))');
  const query = await startServiceProcess(t, 'query-api', { THALWEG_DATABASE_URL: database.url, THALWEG_LEDGER_PROJECTION_GROUP: group, THALWEG_CONSISTENCY_TIMEOUT_MS: '300' });
  const token = encodeConsistencyToken({ topic: TOPIC, partition: 0, offset: '999999999' });
  const response = await fetch(`${query.url}/v1/wallets/${crypto.randomUUID()}`, { headers: { 'consistency-token': token } });
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
  const missing = await path.command('GET', '/v1/nothing-here');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'THALWEG_NOT_FOUND');
});
