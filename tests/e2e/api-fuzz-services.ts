import type { TestContext } from 'node:test';
import { createTestConsumerGroup, createTestMongoDatabase, securityEnv, startServiceProcess, startTypesenseProcess, testAdmin, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { startWalletServices, type ApiAnswer } from './wallet-services.ts';

/** Far above what one run sends: the fuzzer tests the routes, not the rate limit (api-security.e2e.test.ts does). */
/** A loaded two-core machine may need more than the default minute. */
const START = { timeout: 120_000 }; // ms

export const FUZZ_RATE_LIMITS = { THALWEG_RATE_LIMIT_READS: '1000000', THALWEG_RATE_LIMIT_WRITES: '1000000' };

/**
 * The three APIs with everything behind them as processes, so what the fuzzer creates can be read
 * back: the wallet path (command-api, ledger-processor, projector-postgres, query-api), the user
 * documents (projector-mongo on a database of the test's own, read by the same query-api) and the
 * search path (projector-search on a Typesense of the test's own, search-api), the APIs with
 * their rate limits raised.
 */
export async function startFuzzedApis(t: TestContext) {
  const kafka = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' };
  const admin = await testAdmin(t);
  const [usersGroup, searchGroup] = await Promise.all([
    createTestConsumerGroup(t, admin, { prefix: 'projector-mongo-fuzz', topics: ['identity.users.v1'] }),
    createTestConsumerGroup(t, admin, { prefix: 'projector-search-fuzz', topics: ['identity.users.v1', 'ledger.wallets.v1'] }),
  ]);
  const users = await createTestMongoDatabase(t, 'fuzz_users');
  const mongodbUrl = new URL(testStack.mongodbUrl);
  mongodbUrl.pathname = `/${users.name}`;
  const typesense = await startTypesenseProcess(t);
  const searchIndex = { THALWEG_SEARCH_BACKEND: 'typesense', THALWEG_TYPESENSE_URL: typesense.url, THALWEG_TYPESENSE_API_KEY: typesense.apiKey, THALWEG_LOG_LEVEL: 'warn' };
  // Four processes at a time, as the other end-to-end tests start them: seven at once on two
  // cores keep each other from being ready in time.
  const wallets = await startWalletServices(t, {
    command: FUZZ_RATE_LIMITS,
    query: { ...FUZZ_RATE_LIMITS, THALWEG_MONGODB_URL: mongodbUrl.toString(), THALWEG_USER_PROJECTION_GROUP: usersGroup, THALWEG_CONSISTENCY_TIMEOUT_MS: '2000' },
  });
  await Promise.all([
    startServiceProcess(t, 'projector-mongo', { ...kafka, THALWEG_MONGODB_URL: mongodbUrl.toString(), THALWEG_CONSUMER_GROUP: usersGroup }, START),
    startServiceProcess(t, 'projector-search', { ...kafka, ...searchIndex, THALWEG_CONSUMER_GROUP: searchGroup }, START),
  ]);
  // The projector creates the collections before it is ready; the search API only reads them.
  const search = await startServiceProcess(t, 'search-api', { ...securityEnv(), ...searchIndex, ...FUZZ_RATE_LIMITS, THALWEG_REDIS_URL: testStack.redisUrl }, START);
  return { urls: { command: wallets.urls.command, query: wallets.urls.query, search: search.url }, command: wallets.command, query: wallets.query };
}

function expect(answer: ApiAnswer, status: number, what: string): Record<string, any> {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * What the fuzzer cannot create in one API and read in another: a wallet of alice's tenant with
 * money on it and a user, both projected, so that reads and commands on them reach the routes'
 * own logic instead of a 404.
 */
export async function seedFuzzData(apis: Awaited<ReturnType<typeof startFuzzedApis>>, as: string): Promise<{ walletId: string; userId: string }> {
  const opened = expect(await apis.command('POST', '/v1/wallets', { as, body: { ownerId: 'fuzz-owner', currency: 'EUR' } }), 202, 'opening the wallet');
  const credited = expect(await apis.command('POST', `/v1/wallets/${opened.walletId}/credits`, { as, body: { amountMinor: 1_000_000, reference: 'fuzz' } }), 202, 'crediting it');
  const user = expect(await apis.command('POST', '/v1/users', { as, body: { email: `${uniqueName('fuzz').toLowerCase()}@example.org`, name: 'Fuzz User', country: 'FR' } }), 202, 'registering the user');
  const projected = async (path: string, token: string) => (await apis.query('GET', path, { as, headers: { 'consistency-token': token } })).status === 200;
  await waitFor(() => projected(`/v1/wallets/${opened.walletId}`, credited.consistencyToken), { timeout: 60_000, description: 'the wallet and its credit projected' });
  await waitFor(() => projected(`/v1/users/${user.userId}`, user.consistencyToken), { timeout: 60_000, description: 'the user projected' });
  return { walletId: opened.walletId, userId: user.userId };
}
