import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestConsumerGroup, createTestMongoDatabase, securityEnv, startServiceProcess, testAdmin, testStack, uniqueName } from '@thalweg/platform/testing';
import { callApi, type CallOptions } from './wallet-services.ts';

// The identity path through real processes: command-api -> Kafka (identity.users.v1) -> registry
// -> projector-mongo -> MongoDB (FerretDB natively) -> query-api, with real tokens and policy.
const TOPIC = 'identity.users.v1';

async function startUserPath(t: TestContext) {
  const group = await createTestConsumerGroup(t, await testAdmin(t), { prefix: 'projector-mongo-e2e', topics: [TOPIC] });
  const database = await createTestMongoDatabase(t, 'e2e_users');
  const mongodbUrl = new URL(testStack.mongodbUrl);
  mongodbUrl.pathname = `/${database.name}`;
  const common = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' };
  const [command, query] = await Promise.all([
    startServiceProcess(t, 'command-api', { ...common, ...securityEnv(), THALWEG_REDIS_URL: testStack.redisUrl }),
    startServiceProcess(t, 'query-api', {
      ...securityEnv(),
      THALWEG_REDIS_URL: testStack.redisUrl,
      THALWEG_DATABASE_URL: testStack.databaseUrl,
      THALWEG_MONGODB_URL: mongodbUrl.toString(),
      THALWEG_USER_PROJECTION_GROUP: group,
      THALWEG_CONSISTENCY_TIMEOUT_MS: '20000',
      THALWEG_LOG_LEVEL: 'warn',
    }),
    startServiceProcess(t, 'projector-mongo', { ...common, THALWEG_MONGODB_URL: mongodbUrl.toString(), THALWEG_CONSUMER_GROUP: group }),
  ]);
  return {
    command: (method: string, path: string, options?: CallOptions) => callApi(command.url, method, path, options),
    query: (method: string, path: string, options?: CallOptions) => callApi(query.url, method, path, options),
  };
}

test('a user registered, updated and through KYC reads back from MongoDB with read-your-writes', async (t) => {
  const path = await startUserPath(t);
  const registered = await path.command('POST', '/v1/users', { as: 'alice', body: { email: `${uniqueName('ada')}@example.org`, name: 'Ada Lovelace', country: 'GB' } });
  assert.equal(registered.status, 202);
  const { userId } = registered.body;
  const read = await path.query('GET', `/v1/users/${userId}`, { as: 'alice', headers: { 'consistency-token': registered.body.consistencyToken } });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.deepEqual({ name: read.body.name, country: read.body.country, kyc: read.body.kyc.state, preferences: read.body.preferences }, { name: 'Ada Lovelace', country: 'GB', kyc: 'pending', preferences: null });
  assert.equal(read.body._positions, undefined, 'bookkeeping stays inside');

  const preferences = { language: 'en-GB', timeZone: 'Europe/London', notifications: { email: true, sms: true, marketing: false } };
  await path.command('PATCH', `/v1/users/${userId}/profile`, { as: 'alice', body: { preferences } });
  await path.command('POST', `/v1/users/${userId}/kyc-decisions`, { as: 'alice', body: { state: 'submitted', documents: [{ documentId: 'doc-7', kind: 'passport' }] } });
  const reviewed = await path.command('POST', `/v1/users/${userId}/kyc-decisions`, { as: 'alice', body: { state: 'in_review' } });
  const after = await path.query('GET', `/v1/users/${userId}`, { as: 'carol', headers: { 'consistency-token': reviewed.body.consistencyToken } });
  assert.equal(after.status, 200, 'carol reads users of her tenant');
  assert.deepEqual(after.body.preferences, preferences);
  assert.equal(after.body.kyc.state, 'in_review');
  assert.deepEqual(after.body.kyc.timeline.map((entry: { state: string }) => entry.state), ['submitted', 'in_review']);
  assert.deepEqual(after.body.kyc.timeline[0].documents, [{ documentId: 'doc-7', kind: 'passport' }]);

  const other = await path.query('GET', `/v1/users/${userId}`, { as: 'bob' });
  const missing = await path.query('GET', `/v1/users/${crypto.randomUUID()}`, { as: 'bob' });
  assert.deepEqual([other.status, other.body.code], [404, 'THALWEG_NOT_FOUND']);
  assert.deepEqual([missing.status, missing.body.code], [404, 'THALWEG_NOT_FOUND']);
  assert.equal((await path.query('GET', `/v1/users/${userId}`, { as: 'dave' })).status, 403, 'dave holds no reader role');
});
