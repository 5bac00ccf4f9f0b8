import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { securityEnv, serviceToken, startOpaProcess, startServiceProcess, testStack, userToken, waitFor } from '@thalweg/platform/testing';
import { callApi, startWalletServices, type ApiAnswer } from './wallet-services.ts';

// The APIs behind identity, policy and limits, with real tokens from the stack's Keycloak and
// decisions from a real OPA. Realm users (compose/config/keycloak/realm-import): alice and bob
// hold every people role in tenants acme and globex; carol reads; dave holds no role; olivia
// operates; audrey audits. The command-api service client writes for the platform tenant.

const problemFields = ({ body }: ApiAnswer) => ({ status: body.status, code: body.code, title: body.title, type: body.type });

/** Alice's wallet, credited, with the projection caught up: what the other callers aim at. */
async function acmeWallet(path: Awaited<ReturnType<typeof startWalletServices>>) {
  const opened = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'owner-acme', currency: 'EUR' } });
  assert.equal(opened.status, 202, JSON.stringify(opened.body));
  const credited = await path.command('POST', `/v1/wallets/${opened.body.walletId}/credits`, { as: 'alice', body: { amountMinor: 10_000, reference: 'seed' } });
  assert.equal(credited.status, 202);
  const read = await path.query('GET', `/v1/wallets/${opened.body.walletId}`, { as: 'alice', headers: { 'consistency-token': credited.body.consistencyToken } });
  assert.equal(read.status, 200);
  return opened.body.walletId as string;
}

test('role x endpoint: each caller gets exactly what its roles and tenant allow', async (t) => {
  const path = await startWalletServices(t);
  const walletId = await acmeWallet(path);
  const endpoints = {
    open: (authorization: string) => path.command('POST', '/v1/wallets', { authorization, body: { ownerId: 'o', currency: 'EUR' } }),
    credit: (authorization: string) => path.command('POST', `/v1/wallets/${walletId}/credits`, { authorization, body: { amountMinor: 5, reference: 'matrix' } }),
    debit: (authorization: string) => path.command('POST', `/v1/wallets/${walletId}/debits`, { authorization, body: { amountMinor: 1, reference: 'matrix' } }),
    read: (authorization: string) => path.query('GET', `/v1/wallets/${walletId}`, { authorization }),
    entries: (authorization: string) => path.query('GET', `/v1/wallets/${walletId}/entries`, { authorization }),
  };
  // Another tenant's wallet is 404 whatever the roles; the platform service account may write
  // to any tenant's wallet but reads none.
  const expected: Record<string, Record<keyof typeof endpoints, number>> = {
    alice: { open: 202, credit: 202, debit: 202, read: 200, entries: 200 },
    carol: { open: 403, credit: 403, debit: 403, read: 200, entries: 200 },
    dave: { open: 403, credit: 403, debit: 403, read: 403, entries: 403 },
    olivia: { open: 403, credit: 403, debit: 403, read: 403, entries: 403 },
    audrey: { open: 403, credit: 403, debit: 403, read: 403, entries: 403 },
    bob: { open: 202, credit: 404, debit: 404, read: 404, entries: 404 },
    'client:command-api': { open: 202, credit: 202, debit: 202, read: 404, entries: 404 },
  };
  const actual: typeof expected = {};
  for (const caller of Object.keys(expected)) {
    const token = caller.startsWith('client:') ? await serviceToken(caller.slice('client:'.length)) : await userToken(caller);
    actual[caller] = {} as Record<keyof typeof endpoints, number>;
    for (const [name, call] of Object.entries(endpoints) as Array<[keyof typeof endpoints, (authorization: string) => Promise<ApiAnswer>]>) {
      const answer = await call(`Bearer ${token}`);
      actual[caller][name] = answer.status;
      if (answer.status === 403) {
        assert.equal(answer.body.code, 'THALWEG_FORBIDDEN');
        assert.match(answer.body.detail, /requires role/, `${caller} ${name}: the policy's reason is the detail`);
      }
    }
  }
  assert.deepEqual(actual, expected);
});

test("another tenant's wallet answers exactly like a missing one; a platform write lands in the wallet's tenant", async (t) => {
  const path = await startWalletServices(t);
  const walletId = await acmeWallet(path);
  const missingId = crypto.randomUUID();
  const pairs = [
    ['GET', `/v1/wallets/${walletId}`, `/v1/wallets/${missingId}`, undefined],
    ['GET', `/v1/wallets/${walletId}/entries`, `/v1/wallets/${missingId}/entries`, undefined],
    ['POST', `/v1/wallets/${walletId}/credits`, `/v1/wallets/${missingId}/credits`, { amountMinor: 5, reference: 'probe' }],
  ] as const;
  for (const [method, theirs, missing, body] of pairs) {
    const api = method === 'GET' ? path.query : path.command;
    const other = await api(method, theirs, { as: 'bob', ...(body ? { body } : {}) });
    const absent = await api(method, missing, { as: 'bob', ...(body ? { body } : {}) });
    assert.equal(other.status, 404, `${method} ${theirs} as bob`);
    assert.deepEqual(problemFields(other), problemFields(absent));
    assert.equal(other.body.detail.replace(walletId, '<id>'), absent.body.detail.replace(missingId, '<id>'));
  }

  const platformCredit = await path.command('POST', `/v1/wallets/${walletId}/credits`, { authorization: `Bearer ${await serviceToken('command-api')}`, body: { amountMinor: 250, reference: 'settlement' } });
  assert.equal(platformCredit.status, 202);
  const read = await path.query('GET', `/v1/wallets/${walletId}`, { as: 'alice', headers: { 'consistency-token': platformCredit.body.consistencyToken } });
  assert.equal(read.body.balanceMinor, 10_250, "the service account's credit is an event of acme's wallet");
});

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

test('tokens: missing, malformed, tampered, forged, expired and for another audience are 401 with WWW-Authenticate', async (t) => {
  const path = await startWalletServices(t);
  const walletId = await acmeWallet(path);
  const read = (options: { authorization?: string }) => path.query('GET', `/v1/wallets/${walletId}`, options);

  const none = await read({});
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="thalweg"');
  assert.match(none.headers.get('content-type')!, /^application\/problem\+json/);
  assert.equal(none.body.code, 'THALWEG_UNAUTHENTICATED');
  // The body of an unidentified caller is never read: a malformed one is still a 401, not a 400.
  const garbled = await path.command('POST', '/v1/wallets', { body: '{"ownerId":' });
  assert.deepEqual({ status: garbled.status, code: garbled.body.code }, { status: 401, code: 'THALWEG_UNAUTHENTICATED' });

  const basic = await read({ authorization: 'Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=' });
  assert.equal(basic.status, 401);
  assert.match(basic.headers.get('www-authenticate')!, /^Bearer realm="thalweg", error="invalid_token"/);

  const genuine = await userToken('alice');
  const [header, payload, signature] = genuine.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const tampered = await read({ authorization: `Bearer ${header}.${encodePart({ ...claims, realm_access: { roles: ['wallets-reader', 'operator'] } })}.${signature}` });
  assert.equal(tampered.status, 401, 'a payload changed after signing');
  assert.match(tampered.body.detail, /signature/);

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgedInput = `${header}.${payload}`;
  const forged = await read({ authorization: `Bearer ${forgedInput}.${sign('sha256', Buffer.from(forgedInput), privateKey).toString('base64url')}` });
  assert.equal(forged.status, 401, "signed with a key that is not the realm's");
  const headerClaims = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
  for (let attempt = 0; attempt < 2; attempt++) {
    // Twice: the second comes while keycloak-connect holds back another key fetch.
    const unknownKey = await read({ authorization: `Bearer ${encodePart({ ...headerClaims, kid: 'no-such-key' })}.${payload}.${signature}` });
    assert.equal(unknownKey.status, 401, 'a key id the realm never had is the caller\'s fault, not a 503');
    assert.match(unknownKey.body.detail, /unknown signing key/);
  }

  const shortLived = await userToken('alice', { clientId: 'thalweg-test-short-lived' });
  // Accepted while valid (the client's tokens live 2 s), refused once expired.
  assert.equal((await read({ authorization: `Bearer ${shortLived}` })).status, 200);
  let expired: ApiAnswer | undefined;
  await waitFor(async () => (expired = await read({ authorization: `Bearer ${shortLived}` })).status === 401, { timeout: 15_000, interval: 250, description: 'the 2 s token expires' });
  assert.match(expired!.body.detail, /expired/);
  assert.match(expired!.headers.get('www-authenticate')!, /error="invalid_token"/);

  const strict = await startServiceProcess(t, 'query-api', { ...securityEnv(), THALWEG_TOKEN_AUDIENCE: 'another-api', THALWEG_REDIS_URL: testStack.redisUrl, THALWEG_MONGODB_URL: testStack.mongodbUrl, THALWEG_DATABASE_URL: path.databaseUrl });
  const wrongAudience = await callApi(strict.url, 'GET', `/v1/wallets/${walletId}`, { as: 'alice' });
  assert.equal(wrongAudience.status, 401);
  assert.match(wrongAudience.body.detail, /audience/);

  for (const open of ['/healthz', '/readyz', '/openapi.json']) assert.equal((await fetch(`${path.urls.query}${open}`)).status, 200, `${open} needs no token`);
});

test('OPA stopped mid-test: 503 with Retry-After, never an allow; back once OPA is', async (t) => {
  const path = await startWalletServices(t);
  const walletId = await acmeWallet(path);
  const opa = await startOpaProcess(t);
  const query = await startServiceProcess(t, 'query-api', {
    ...securityEnv(),
    THALWEG_OPA_URL: opa.url,
    THALWEG_OPA_CACHE_MS: '0',
    THALWEG_REDIS_URL: testStack.redisUrl,
    THALWEG_MONGODB_URL: testStack.mongodbUrl,
    THALWEG_DATABASE_URL: path.databaseUrl,
  });
  const read = () => callApi(query.url, 'GET', `/v1/wallets/${walletId}`, { as: 'alice' });
  assert.equal((await read()).status, 200);

  await opa.stop();
  const refused = await read();
  assert.equal(refused.status, 503);
  assert.equal(refused.body.code, 'THALWEG_POLICY_UNAVAILABLE');
  assert.equal(refused.headers.get('retry-after'), '1');
  assert.equal((await read()).status, 503, 'still no allow without a decision');

  await startOpaProcess(t, { port: opa.port });
  assert.equal((await read()).status, 200);
});

test('rate limits: per caller, stricter on writes, shared by two instances, 429 then recovered', async (t) => {
  // A Redis database of its own: the counters of other tests' callers must not mix in.
  const redisUrl = `${testStack.redisUrl.replace(/\/\d*$/, '')}/7`;
  const env = {
    ...securityEnv(),
    THALWEG_KAFKA_BROKERS: testStack.brokers.join(','),
    THALWEG_REGISTRY_URL: testStack.registryUrl,
    THALWEG_REDIS_URL: redisUrl,
    THALWEG_RATE_LIMIT_WRITES: '3',
    THALWEG_RATE_LIMIT_WINDOW_SECONDS: '4',
  };
  const [first, second] = await Promise.all([startServiceProcess(t, 'command-api', env), startServiceProcess(t, 'command-api', env)]);
  const open = (base: string, options: { as?: string } = { as: 'alice' }) => callApi(base, 'POST', '/v1/wallets', { ...options, body: { ownerId: 'o', currency: 'EUR' } });

  const accepted = [await open(first.url), await open(second.url), await open(first.url)];
  assert.deepEqual(accepted.map((answer) => answer.status), [202, 202, 202]);
  assert.equal(accepted[0]!.headers.get('ratelimit-policy'), '"writes";q=3;w=4');
  assert.match(accepted[2]!.headers.get('ratelimit')!, /^"writes";r=0;t=[1-4]$/);

  const limited = await open(second.url);
  assert.equal(limited.status, 429, 'the fourth write in the window, on the other instance');
  assert.equal(limited.body.code, 'THALWEG_RATE_LIMITED');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1 && Number(limited.headers.get('retry-after')) <= 4);
  assert.equal((await open(first.url, { as: 'bob' })).status, 202, 'another caller has its own quota');
  assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${first.url}/healthz`)).headers.get('ratelimit'), null, 'health endpoints are not limited');

  const anonymous = [];
  for (let attempt = 0; attempt < 4; attempt++) anonymous.push((await open(first.url, {})).status);
  assert.deepEqual(anonymous, [401, 401, 401, 429], 'callers without a token are counted by address');

  await waitFor(async () => (await open(second.url)).status === 202, { timeout: 15_000, interval: 500, description: "alice's window ends" });
});
