import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestConsumerGroup, securityEnv, startServiceProcess, startTypesenseProcess, testAdmin, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { callApi, startLedgerProcessor, type CallOptions } from './wallet-services.ts';

// The search path as real processes: command-api -> Kafka (identity.users.v1; ledger commands,
// decided by ledger-processor onto ledger.wallets.v1) -> projector-search -> Typesense -> search-api,
// each checking real Keycloak tokens and asking the stack's OPA for the tenant scope. Typesense is
// the one compose runs, started from the native stack's install as a server of this test's own:
// the projector's collections have fixed names, and this test's must be its own.
const SEARCHED_TOPICS = ['identity.users.v1', 'ledger.wallets.v1'];

async function startSearchServices(t: TestContext) {
  const group = await createTestConsumerGroup(t, await testAdmin(t), { prefix: 'projector-search', topics: SEARCHED_TOPICS });
  const typesense = await startTypesenseProcess(t);
  const kafka = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl };
  const searchIndex = { THALWEG_SEARCH_BACKEND: 'typesense', THALWEG_TYPESENSE_URL: typesense.url, THALWEG_TYPESENSE_API_KEY: typesense.apiKey, THALWEG_LOG_LEVEL: 'warn' };
  const [command] = await Promise.all([
    startServiceProcess(t, 'command-api', { ...kafka, ...securityEnv(), THALWEG_REDIS_URL: testStack.redisUrl, THALWEG_LOG_LEVEL: 'warn' }),
    startServiceProcess(t, 'projector-search', { ...kafka, ...searchIndex, THALWEG_CONSUMER_GROUP: group }),
    startLedgerProcessor(t),
  ]);
  // The projector creates the collections before it is ready; the search API only reads them.
  const search = await startServiceProcess(t, 'search-api', { ...securityEnv(), ...searchIndex, THALWEG_REDIS_URL: testStack.redisUrl });
  return {
    command: (method: string, path: string, options?: CallOptions) => callApi(command.url, method, path, options),
    search: (path: string, options?: CallOptions) => callApi(search.url, 'GET', path, options),
  };
}

const ids = (body: Record<string, any>): string[] => (body.hits ?? []).map((hit: { id: string }) => hit.id);

test('search through the API: typos, facets, filters, sort, pages, tenants, injection, roles, entries', async (t) => {
  const services = await startSearchServices(t);
  const since = Date.now();
  // A word of this run's own in every name and reference: the shared topics hold other runs' users too.
  const word = uniqueName('zq').replace(/[^a-z]/gi, '').slice(-10).toLowerCase();
  const mine = `registeredAt:>=${since}`;
  const register = async (as: string, name: string, country: string) => {
    const answer = await services.command('POST', '/v1/users', { as, body: { email: `${uniqueName('u').toLowerCase()}@example.org`, name: `${name} ${word}`, country } });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    return answer.body.userId as string;
  };
  const john = await register('alice', 'John', 'FR');
  const jane = await register('alice', 'Jane', 'DE');
  const marie = await register('alice', 'Marie', 'FR');
  const globexJohn = await register('bob', 'John', 'FR');
  const submitted = await services.command('POST', `/v1/users/${john}/kyc-decisions`, { as: 'alice', body: { state: 'submitted', documents: [{ documentId: 'doc-1', kind: 'passport' }] } });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));

  const aliceSees = (query: string) => services.search(`/v1/search/users?${query}`, { as: 'alice' });
  // The users may sit on different partitions, each projected at its own pace: wait for all of them.
  await waitFor(async () => {
    const { body } = await aliceSees(`q=${word}&filter=${encodeURIComponent(mine)}`);
    const submittedOnes = await aliceSees(`filter=${encodeURIComponent(`${mine} && kycState:=submitted`)}`);
    return [john, jane, marie].every((id) => ids(body).includes(id)) && ids(submittedOnes.body).includes(john);
  }, { timeout: 60_000, description: 'the users and the KYC step projected' });
  await waitFor(async () => ids((await services.search(`/v1/search/users?q=${word}`, { as: 'bob' })).body).includes(globexJohn), { timeout: 60_000, description: "bob's user projected" });

  await t.test('typo tolerance: "jonh" finds John', async () => {
    const { status, body } = await aliceSees(`q=jonh&perPage=100&filter=${encodeURIComponent(mine)}`);
    assert.equal(status, 200);
    assert.ok(ids(body).includes(john), JSON.stringify(body));
    assert.ok(!ids(body).includes(jane) && !ids(body).includes(marie), 'Jane and Marie are not John');
    assert.ok(!ids(body).includes(globexJohn), "globex's John is not alice's to see");
    const hit = body.hits.find((entry: { id: string }) => entry.id === john);
    assert.deepEqual(Object.keys(hit).sort(), ['country', 'email', 'id', 'kycState', 'name', 'registeredAt', 'tenant']);
  });

  await t.test('facet counts, after a KYC step', async () => {
    const { body } = await aliceSees(`q=${word}&facets=country,kycState&filter=${encodeURIComponent(mine)}`);
    assert.equal(body.found, 3);
    const counts = (field: string) => Object.fromEntries(body.facets[field].map(({ value, count }: { value: string; count: number }) => [value, count]));
    assert.deepEqual(counts('country'), { FR: 2, DE: 1 });
    assert.deepEqual(counts('kycState'), { pending: 2, submitted: 1 });
  });

  await t.test('filters narrow: equality, lists, not-equal', async () => {
    assert.deepEqual(ids((await aliceSees(`q=${word}&filter=${encodeURIComponent(`${mine} && country:=DE`)}`)).body), [jane]);
    assert.deepEqual(ids((await aliceSees(`q=${word}&filter=${encodeURIComponent(`${mine} && kycState:[submitted,approved]`)}`)).body), [john]);
    assert.deepEqual(ids((await aliceSees(`q=${word}&sort=registeredAt:asc&filter=${encodeURIComponent(`${mine} && country:!=DE`)}`)).body), [john, marie]);
  });

  await t.test('sort and pagination', async () => {
    const page = (number: number, direction: string) => aliceSees(`q=${word}&sort=registeredAt:${direction}&perPage=2&page=${number}&filter=${encodeURIComponent(mine)}`);
    const first = (await page(1, 'asc')).body;
    const second = (await page(2, 'asc')).body;
    assert.deepEqual([first.found, first.page, first.perPage, second.found, second.page], [3, 1, 2, 3, 2]);
    assert.deepEqual([...ids(first), ...ids(second)], [john, jane, marie]);
    assert.deepEqual(ids((await page(1, 'desc')).body), [marie, jane]);
  });

  await t.test('bob never sees acme, whatever he puts in q or filter', async () => {
    const attempts = [
      `q=${word}`,
      `q=${word}&filter=${encodeURIComponent(mine)}`,
      `q=${encodeURIComponent(`${word} acme`)}`,
      `q=*&perPage=100&filter=${encodeURIComponent(`${mine} && country:[FR,DE]`)}`,
      `q=${encodeURIComponent(`${word}' OR tenant = 'acme' --`)}`,
      `q=${word}&filter=${encodeURIComponent('country:="FR || tenant:=acme"')}`,
    ];
    for (const attempt of attempts) {
      const { status, body } = await services.search(`/v1/search/users?${attempt}`, { as: 'bob' });
      assert.equal(status, 200, `${attempt}: ${JSON.stringify(body)}`);
      assert.ok(body.hits.every((hit: { tenant: string }) => hit.tenant === 'globex'), `${attempt} answered another tenant's user`);
      assert.ok(![john, jane, marie].some((id) => ids(body).includes(id)), attempt);
    }
    const tenantFilter = await services.search(`/v1/search/users?filter=${encodeURIComponent('tenant:=acme')}`, { as: 'bob' });
    assert.equal(tenantFilter.status, 400);
    assert.equal(tenantFilter.body.errors?.[0]?.field ?? tenantFilter.body.field, 'query.filter', JSON.stringify(tenantFilter.body));
  });

  await t.test('injection attempts and bad parameters are a 400 naming the parameter, or harmless; never a 500', async () => {
    const bad: Array<[string, string]> = [
      [`filter=${encodeURIComponent('country:=FR || tenant:=acme')}`, 'query.filter'],
      [`filter=${encodeURIComponent('country:=`FR` && tenant:=`acme`')}`, 'query.filter'],
      [`filter=${encodeURIComponent("country:=FR'); DROP TABLE search_users; --")}`, 'query.filter'],
      [`filter=${encodeURIComponent('(country:=FR)')}`, 'query.filter'],
      [`filter=${encodeURIComponent('name:=John')}`, 'query.filter'],
      ['facets=tenant', 'query.facets'],
      ['facets=name', 'query.facets'],
      ['sort=tenant:asc', 'query.sort'],
      ['sort=registeredAt:sideways', 'query.sort'],
      ['perPage=1000', 'query.perPage'],
      ['perPage=0', 'query.perPage'],
      ['page=-1', 'query.page'],
      ['q=a&q=b', 'query.q'],
      ['tenant=acme', 'query.tenant'],
      [`q=${'x'.repeat(201)}`, 'query.q'],
    ];
    for (const [query, field] of bad) {
      const { status, headers, body } = await services.search(`/v1/search/users?${query}`, { as: 'bob' });
      assert.equal(status, 400, `${query}: ${JSON.stringify(body)}`);
      assert.match(headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.ok(JSON.stringify(body).includes(field), `${query} should name ${field}: ${JSON.stringify(body)}`);
    }
    for (const q of ["' OR 1=1 --", '%', '_', '*) || tenant:=acme', 'a & | ! : * ( )', '\\', '"unterminated']) {
      const { status, body } = await services.search(`/v1/search/users?q=${encodeURIComponent(q)}&perPage=100`, { as: 'bob' });
      assert.equal(status, 200, `${q}: ${JSON.stringify(body)}`);
      assert.ok(body.hits.every((hit: { tenant: string }) => hit.tenant === 'globex'), q);
    }
  });

  await t.test('without the searcher role: 403; without a token: 401', async () => {
    const carol = await services.search('/v1/search/users?q=john', { as: 'carol' });
    assert.equal(carol.status, 403, JSON.stringify(carol.body));
    assert.equal((await services.search('/v1/search/entries', { as: 'carol' })).status, 403);
    assert.equal((await services.search('/v1/search/users')).status, 401);
  });

  await t.test('entries are searchable once the wallet is credited and debited', async () => {
    const opened = await services.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: john, currency: 'EUR' } });
    assert.equal(opened.status, 202, JSON.stringify(opened.body));
    const { walletId } = opened.body;
    for (const [kind, amountMinor] of [['credits', 1_000], ['credits', 250], ['debits', 100]] as const) {
      const answer = await services.command('POST', `/v1/wallets/${walletId}/${kind}`, { as: 'alice', body: { amountMinor, reference: `${kind} ${word} ${amountMinor}` } });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
    }
    const entries = (query: string, as = 'alice') => services.search(`/v1/search/entries?${query}`, { as });
    const walletFilter = encodeURIComponent(`walletId:=${walletId}`);
    // Waited for through the text search itself: that is what this test says becomes possible.
    await waitFor(async () => (await entries(`q=${word}&filter=${walletFilter}`)).body.found === 3, { timeout: 60_000, description: 'three entries projected and found by their reference' });
    const { body } = await entries(`q=${word}&filter=${walletFilter}&facets=direction,currency&sort=amountMinor:desc`);
    assert.deepEqual(body.hits.map((hit: { amountMinor: number }) => hit.amountMinor), [1_000, 250, 100]);
    assert.deepEqual(body.facets.direction, [{ value: 'credit', count: 2 }, { value: 'debit', count: 1 }]);
    assert.deepEqual(body.facets.currency, [{ value: 'EUR', count: 3 }]);
    assert.deepEqual(ids((await entries(`filter=${encodeURIComponent(`walletId:=${walletId} && amountMinor:>=250 && direction:=credit`)}&sort=amountMinor:asc`)).body).length, 2);
    assert.equal((await entries(`q=${word}&filter=${walletFilter}`, 'bob')).body.found, 0, "bob finds none of acme's entries");
  });
});
