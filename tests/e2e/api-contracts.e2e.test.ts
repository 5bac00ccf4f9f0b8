import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { answerProblems, findContract, type RouteContract } from '@thalweg/platform/http';
import { loadCollectionSchema } from '@thalweg/platform/search';
import { createTestConsumerGroup, createTestMongoDatabase, securityEnv, startServiceProcess, startTypesenseProcess, testAdmin, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { commandApiContracts, commandApiOpenapi } from '../../services/command-api/src/openapi.ts';
import { queryApiContracts, queryApiOpenapi } from '../../services/query-api/src/openapi.ts';
import { SEARCH_COLLECTIONS, searchApiContracts, searchApiOpenapi } from '../../services/search-api/src/openapi.ts';
import { callApi, startWalletServices, type ApiAnswer, type CallOptions } from './wallet-services.ts';

// Each API's served document is valid OpenAPI 3.1 and is the one built from its contracts; every
// answer the running routes give here, successes and problems, fits the response schema its
// contract declares for that status (the contracts' own schemas, the ones the document embeds).

const searchContracts = searchApiContracts(SEARCH_COLLECTIONS.map((name) => loadCollectionSchema(name))).map(({ contract }) => contract);
const apis = {
  command: { contracts: commandApiContracts as RouteContract[], document: commandApiOpenapi },
  query: { contracts: queryApiContracts as RouteContract[], document: queryApiOpenapi },
  search: { contracts: searchContracts as RouteContract[], document: searchApiOpenapi },
};
type Api = keyof typeof apis;

/** Seven processes start beside the stack: on a loaded machine they need more than the usual minute. */
const STARTUP = 180_000; // ms

async function startApis(t: TestContext) {
  const admin = await testAdmin(t);
  const userGroup = await createTestConsumerGroup(t, admin, { prefix: 'projector-mongo-contracts', topics: ['identity.users.v1'] });
  const users = await createTestMongoDatabase(t, 'contracts_users');
  const mongodbUrl = new URL(testStack.mongodbUrl);
  mongodbUrl.pathname = `/${users.name}`;
  const searchGroup = await createTestConsumerGroup(t, admin, { prefix: 'projector-search-contracts', topics: ['identity.users.v1', 'ledger.wallets.v1'] });
  const typesense = await startTypesenseProcess(t);
  const kafka = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' };
  const searchIndex = { THALWEG_SEARCH_BACKEND: 'typesense', THALWEG_TYPESENSE_URL: typesense.url, THALWEG_TYPESENSE_API_KEY: typesense.apiKey };
  // In stages, so that no start competes with six others for the machine.
  const wallets = await startWalletServices(t, { query: { THALWEG_MONGODB_URL: mongodbUrl.toString(), THALWEG_USER_PROJECTION_GROUP: userGroup } });
  await Promise.all([
    startServiceProcess(t, 'projector-mongo', { ...kafka, THALWEG_MONGODB_URL: mongodbUrl.toString(), THALWEG_CONSUMER_GROUP: userGroup }, { timeout: STARTUP }),
    startServiceProcess(t, 'projector-search', { ...kafka, ...searchIndex, THALWEG_CONSUMER_GROUP: searchGroup }, { timeout: STARTUP }),
  ]);
  // The projector creates the collections before it is ready; the search API only reads them.
  const search = await startServiceProcess(t, 'search-api', { ...securityEnv(), ...searchIndex, THALWEG_REDIS_URL: testStack.redisUrl, THALWEG_LOG_LEVEL: 'warn' }, { timeout: STARTUP });
  return { command: wallets.urls.command, query: wallets.urls.query, search: search.url };
}

test('each API serves a valid OpenAPI 3.1 document of its contracts, and its answers fit the declared responses', async (t) => {
  const urls = await startApis(t);
  const answered = new Set<RouteContract>();

  /** Calls an API and checks the answer against the contract of the operation it reached. */
  const call = async (api: Api, method: string, path: string, options?: CallOptions): Promise<ApiAnswer> => {
    const answer = await callApi(urls[api], method, path, options);
    const contract = findContract(apis[api].contracts, method, path.split('?')[0]!);
    assert.ok(contract, `${api}: no contract for ${method} ${path}`);
    assert.deepEqual(answerProblems(contract, { status: answer.status, contentType: answer.headers.get('content-type'), body: answer.body, headers: answer.headers }), [], `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    answered.add(contract);
    return answer;
  };
  const command = (method: string, path: string, options?: CallOptions) => call('command', method, path, options);
  const query = (method: string, path: string, options?: CallOptions) => call('query', method, path, options);

  await t.test('the served documents, and the methods they declare', async () => {
    const wrongMethod = await callApi(urls.command, 'DELETE', '/v1/users', { as: 'alice' });
    assert.deepEqual([wrongMethod.status, wrongMethod.headers.get('allow'), wrongMethod.body.code], [405, 'POST', 'THALWEG_METHOD_NOT_ALLOWED']);
    assert.equal((await callApi(urls.query, 'PUT', `/v1/users/${crypto.randomUUID()}`, { as: 'alice' })).headers.get('allow'), 'GET, HEAD');
    for (const [api, { document }] of Object.entries(apis)) {
      const served = await callApi(urls[api as Api], 'GET', '/openapi.json');
      assert.equal(served.status, 200);
      assert.deepEqual(served.body, JSON.parse(JSON.stringify(document)), `${api} serves the document of its contracts`);
      const result = await new Validator().validate(structuredClone(served.body));
      assert.deepEqual(result.errors ?? [], [], `${api}: valid OpenAPI 3.1`);
      assert.equal(result.valid, true);
    }
  });

  await t.test('wallets, commands and their reads', async () => {
    const opened = await command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: uniqueName('owner'), currency: 'EUR' } });
    assert.equal(opened.status, 202);
    const { walletId } = opened.body;
    const other = await command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: uniqueName('owner'), currency: 'EUR' }, headers: { prefer: 'wait=20' } });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    assert.equal((await command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: '', currency: 'eur', extra: 1 } })).status, 400);
    assert.equal((await command('POST', '/v1/wallets', { body: { ownerId: 'o', currency: 'EUR' } })).status, 401);
    assert.equal((await command('POST', '/v1/wallets', { as: 'carol', body: { ownerId: 'o', currency: 'EUR' } })).status, 403);
    assert.equal((await command('POST', '/v1/wallets', { as: 'alice', body: 'currency=EUR', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 415);
    assert.equal((await command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'x'.repeat(70_000), currency: 'EUR' } })).status, 413);

    const credited = await command('POST', `/v1/wallets/${walletId}/credits`, { as: 'alice', body: { amountMinor: 1_000, reference: 'salary' }, headers: { prefer: 'wait=20' } });
    assert.equal(credited.status, 200, JSON.stringify(credited.body));
    const key = uniqueName('debit');
    const debited = await command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 250, reference: 'coffee' }, headers: { 'idempotency-key': key } });
    assert.equal(debited.status, 202);
    assert.equal((await command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 251, reference: 'coffee' }, headers: { 'idempotency-key': key } })).status, 422);
    const overdrawn = await command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 1_000_000, reference: 'car' }, headers: { prefer: 'wait=20' } });
    assert.equal(overdrawn.status, 422);
    assert.equal(overdrawn.body.code, 'THALWEG_INSUFFICIENT_FUNDS');
    assert.equal((await command('POST', `/v1/wallets/${crypto.randomUUID()}/credits`, { as: 'alice', body: { amountMinor: 1, reference: 'r' } })).status, 404);
    const transfer = await command('POST', `/v1/wallets/${walletId}/transfers`, { as: 'alice', body: { destinationWalletId: other.body.walletId, amountMinor: 100, reference: 'rent' } });
    assert.equal(transfer.status, 202);

    const status = await command('GET', `/v1/commands/${transfer.body.commandId}`, { as: 'alice', headers: { prefer: 'wait=20' } });
    assert.equal(status.status, 200);
    assert.equal(status.body.status, 'accepted');
    const rejectedDebit = await command('POST', `/v1/wallets/${walletId}/debits`, { as: 'alice', body: { amountMinor: 1_000_000, reference: 'boat' } });
    const rejection = await command('GET', `/v1/commands/${rejectedDebit.body.commandId}`, { as: 'alice', headers: { prefer: 'wait=20' } });
    assert.equal(rejection.body.status, 'rejected');
    assert.equal((await command('GET', `/v1/commands/${crypto.randomUUID()}`, { as: 'alice' })).status, 404);
    assert.equal((await command('GET', '/v1/commands/not-a-uuid', { as: 'alice' })).status, 400);

    const wallet = await query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': transfer.body.consistencyToken } });
    assert.equal(wallet.status, 200, JSON.stringify(wallet.body));
    const page = await query('GET', `/v1/wallets/${walletId}/entries?limit=2`, { as: 'alice' });
    assert.equal(page.status, 200);
    assert.equal((await query('GET', `/v1/wallets/${walletId}/entries?cursor=${page.body.nextCursor}`, { as: 'alice' })).status, 200);
    assert.equal((await query('GET', `/v1/wallets/${walletId}/entries?limit=0&colour=red`, { as: 'alice' })).status, 400);
    assert.equal((await query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': rejectedDebit.body.consistencyToken } })).status, 422);
    assert.equal((await query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': 'forged' } })).status, 400);
    assert.equal((await query('GET', `/v1/wallets/${walletId}`, { as: 'bob' })).status, 404);
    assert.equal((await query('GET', `/v1/wallets/${walletId}`)).status, 401);
  });

  await t.test('users, their reads and their search', async () => {
    const name = uniqueName('Contract');
    const registered = await command('POST', '/v1/users', { as: 'alice', body: { email: `${name.toLowerCase()}@example.org`, name, country: 'FR' } });
    assert.equal(registered.status, 202, JSON.stringify(registered.body));
    const { userId } = registered.body;
    assert.equal((await command('POST', '/v1/users', { as: 'alice', body: { email: `${name.toLowerCase()}@example.org`, name, country: 'FR' } })).status, 409);
    const preferences = { language: 'fr', timeZone: 'Europe/Paris', notifications: { email: true, sms: false, marketing: false } };
    const updated = await command('PATCH', `/v1/users/${userId}/profile`, { as: 'alice', body: { preferences } });
    assert.equal(updated.status, 202);
    assert.equal((await command('PATCH', `/v1/users/${userId}/profile`, { as: 'alice', body: { preferences: { ...preferences, language: '' } } })).status, 400);
    const unchanged = await command('PATCH', `/v1/users/${userId}/profile`, { as: 'alice', body: {} });
    assert.deepEqual([unchanged.status, unchanged.body.errors], [400, [{ field: 'body', message: 'must have at least 1 field(s)' }]]);
    assert.equal((await command('PATCH', `/v1/users/${crypto.randomUUID()}/profile`, { as: 'alice', body: { name: 'x' } })).status, 404);
    const submitted = await command('POST', `/v1/users/${userId}/kyc-decisions`, { as: 'alice', body: { state: 'submitted', documents: [{ documentId: 'd-1', kind: 'passport' }] } });
    assert.equal(submitted.status, 202);
    assert.equal((await command('POST', `/v1/users/${userId}/kyc-decisions`, { as: 'alice', body: { state: 'approved' } })).status, 409);

    const user = await query('GET', `/v1/users/${userId}`, { as: 'alice', headers: { 'consistency-token': submitted.body.consistencyToken } });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    assert.equal(user.body.kyc.state, 'submitted');
    assert.equal((await query('GET', `/v1/users/${crypto.randomUUID()}`, { as: 'alice' })).status, 404);

    const found = await waitFor(
      async () => {
        const answer = await call('search', 'GET', `/v1/search/users?q=${encodeURIComponent(name)}&facets=country,kycState&sort=registeredAt:desc`, { as: 'alice' });
        return answer.body.found > 0 ? answer : undefined;
      },
      { timeout: 120_000, interval: 500, description: 'the registered user in the search' },
    );
    assert.equal(found.body.hits[0].id, userId);
    assert.equal((await call('search', 'GET', '/v1/search/entries?perPage=2', { as: 'alice' })).status, 200);
    assert.equal((await call('search', 'GET', '/v1/search/users?facets=tenant&page=0&tenantScope=*', { as: 'alice' })).status, 400);
  });

  const unanswered = Object.values(apis)
    .flatMap(({ contracts }) => contracts)
    .filter((contract) => !answered.has(contract))
    .map((contract) => contract.operationId);
  assert.deepEqual(unanswered, [], 'every operation answered at least once');
});
