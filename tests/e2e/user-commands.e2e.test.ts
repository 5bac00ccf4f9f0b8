import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { readRecordAt, securityEnv, startServiceProcess, testKafka, testStack, uniqueName } from '@thalweg/platform/testing';
import { callApi, type ApiAnswer, type CallOptions } from './wallet-services.ts';

// The identity commands through a real command-api process: validation, the KYC workflow's
// conflicts, idempotency, the policy, and the events as they land on identity.users.v1.

async function startCommandApi(t: TestContext) {
  const command = await startServiceProcess(t, 'command-api', {
    ...securityEnv(),
    THALWEG_KAFKA_BROKERS: testStack.brokers.join(','),
    THALWEG_REGISTRY_URL: testStack.registryUrl,
    THALWEG_REDIS_URL: testStack.redisUrl,
    THALWEG_LOG_LEVEL: 'warn',
  });
  return (method: string, path: string, options?: CallOptions) => callApi(command.url, method, path, options);
}

/** The event a 202 points at, decoded with the registry like any consumer would. */
async function eventOf(t: TestContext, answer: ApiAnswer) {
  const record = await readRecordAt(t, testKafka(), answer.body.position);
  const decoded = await createSchemaRegistryClient({ url: testStack.registryUrl }).decode(record.value);
  const header = (name: string) => record.headers?.[name]?.toString();
  return { type: decoded.writerType, payload: decoded.payload, tenant: header('thalweg_tenant'), ceType: header('ce_type'), key: record.key?.toString() };
}

const newUser = () => ({ email: `${uniqueName('jonh').toLowerCase()}@Example.org`, name: 'John Example', country: 'FR' });

test('register, update the profile and walk the KYC workflow; every step is an event of the user', async (t) => {
  const command = await startCommandApi(t);
  const user = newUser();
  const registered = await command('POST', '/v1/users', { as: 'alice', body: user });
  assert.equal(registered.status, 202, JSON.stringify(registered.body));
  const { userId } = registered.body;
  assert.equal(registered.headers.get('location'), `/v1/users/${userId}`);
  assert.equal(registered.body.position.topic, 'identity.users.v1');
  const event = await eventOf(t, registered);
  assert.deepEqual(
    { type: event.type, tenant: event.tenant, key: event.key, email: event.payload.email, tenantId: event.payload.tenantId },
    { type: 'thalweg.identity.UserRegistered', tenant: 'acme', key: userId, email: user.email.toLowerCase(), tenantId: 'acme' },
  );

  const preferences = { language: 'fr', timeZone: 'Europe/Paris', notifications: { email: true, sms: false, marketing: false } };
  const updated = await command('PATCH', `/v1/users/${userId}/profile`, { as: 'alice', body: { country: 'BE', preferences } });
  assert.equal(updated.status, 202);
  const profile = await eventOf(t, updated);
  // avsc decodes records into classes of their own: compare the plain data.
  const changed = JSON.parse(JSON.stringify({ name: profile.payload.name, country: profile.payload.country, preferences: profile.payload.preferences }));
  assert.deepEqual(changed, { name: null, country: 'BE', preferences });

  const steps = [
    { state: 'submitted', documents: [{ documentId: 'doc-1', kind: 'passport' }] },
    { state: 'in_review' },
    { state: 'rejected', reason: 'the passport has expired' },
    { state: 'submitted', documents: [{ documentId: 'doc-2', kind: 'id_card' }] },
    { state: 'in_review' },
    { state: 'approved' },
  ];
  let previous = 'pending';
  for (const step of steps) {
    const answer = await command('POST', `/v1/users/${userId}/kyc-decisions`, { as: 'alice', body: step });
    assert.equal(answer.status, 202, `${previous} -> ${step.state}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.kycState, step.state);
    previous = step.state;
  }
  const last = await command('POST', `/v1/users/${userId}/kyc-decisions`, { as: 'alice', body: { state: 'rejected', reason: 'too late' } });
  assert.equal(last.status, 409, 'approval is final');
  assert.equal(last.body.code, 'THALWEG_CONFLICT');
  assert.match(last.body.detail, /KYC cannot go from approved to rejected; approved is final/);
});

test('an illegal KYC step is a 409 naming the allowed ones, and publishes nothing; bad bodies name their fields', async (t) => {
  const command = await startCommandApi(t);
  const { body } = await command('POST', '/v1/users', { as: 'alice', body: newUser() });
  const skip = await command('POST', `/v1/users/${body.userId}/kyc-decisions`, { as: 'alice', body: { state: 'approved' } });
  assert.equal(skip.status, 409);
  assert.match(skip.headers.get('content-type')!, /^application\/problem\+json/);
  assert.equal(skip.body.detail, 'KYC cannot go from pending to approved; from pending it may go to submitted');
  const stillPending = await command('POST', `/v1/users/${body.userId}/kyc-decisions`, { as: 'alice', body: { state: 'submitted', documents: [{ documentId: 'd', kind: 'passport' }] } });
  assert.equal(stillPending.status, 202, 'the refused step changed nothing');

  const invalid = await command('POST', '/v1/users', { as: 'alice', body: { email: 'not-an-email', name: '', country: 'France', role: 'admin' } });
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.errors.map((entry: { field: string }) => entry.field).sort(), ['body.country', 'body.email', 'body.name', 'body.role']);
  const nested = await command('PATCH', `/v1/users/${body.userId}/profile`, { as: 'alice', body: { preferences: { language: 'fr', timeZone: 'Europe/Paris', notifications: { email: 'yes' } } } });
  assert.deepEqual(nested.body.errors.map((entry: { field: string }) => entry.field).sort(), ['body.preferences.notifications.email', 'body.preferences.notifications.marketing', 'body.preferences.notifications.sms']);
  const empty = await command('PATCH', `/v1/users/${body.userId}/profile`, { as: 'alice', body: {} });
  assert.equal(empty.status, 400);
  // The body's own rules come first (the contract states them), then the workflow's.
  const noReason = await command('POST', `/v1/users/${body.userId}/kyc-decisions`, { as: 'alice', body: { state: 'rejected' } });
  assert.deepEqual([noReason.status, noReason.body.errors?.[0]?.field], [400, 'body.reason'], 'a rejection needs a reason');
  const skipped = await command('POST', `/v1/users/${body.userId}/kyc-decisions`, { as: 'alice', body: { state: 'rejected', reason: 'blurred' } });
  assert.equal(skipped.status, 409, 'from submitted only in_review is allowed');
});

test('an email is registered once per tenant; a retried registration with its Idempotency-Key is answered once', async (t) => {
  const command = await startCommandApi(t);
  const user = newUser();
  const key = { 'idempotency-key': uniqueName('register') };
  const first = await command('POST', '/v1/users', { as: 'alice', body: user, headers: key });
  const retry = await command('POST', '/v1/users', { as: 'alice', body: user, headers: key });
  assert.equal(first.status, 202);
  assert.deepEqual(retry.body, first.body);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  const again = await command('POST', '/v1/users', { as: 'alice', body: { ...user, email: user.email.toUpperCase() } });
  assert.equal(again.status, 409, 'the same email, whatever its case, in the same tenant');
  assert.equal((await command('POST', '/v1/users', { as: 'bob', body: user })).status, 202, 'another tenant has its own emails');
});

test('concurrent creations of one id: exactly one lands, the others are 409, for users and wallets alike', async (t) => {
  const command = await startCommandApi(t);
  const userId = crypto.randomUUID();
  const registrations = await Promise.all(['alice', 'alice', 'bob', 'bob'].map((as) => command('POST', '/v1/users', { as, body: { ...newUser(), userId } })));
  assert.deepEqual(registrations.map((answer) => answer.status).sort(), [202, 409, 409, 409]);
  const walletId = crypto.randomUUID();
  const openings = await Promise.all(['alice', 'alice', 'bob', 'bob'].map((as) => command('POST', '/v1/wallets', { as, body: { walletId, ownerId: 'o', currency: 'EUR' } })));
  assert.deepEqual(openings.map((answer) => answer.status).sort(), [202, 409, 409, 409]);
  // The winner's tenant is the one that holds the id: its movements are accepted, the others' are not.
  const winner = ['alice', 'alice', 'bob', 'bob'][openings.findIndex((answer) => answer.status === 202)]!;
  const loser = winner === 'alice' ? 'bob' : 'alice';
  assert.equal((await command('POST', `/v1/wallets/${walletId}/credits`, { as: winner, body: { amountMinor: 5, reference: 'r' } })).status, 202);
  assert.equal((await command('POST', `/v1/wallets/${walletId}/credits`, { as: loser, body: { amountMinor: 5, reference: 'r' } })).status, 404);
});

test("the policy decides: roles per action, another tenant's user is a 404 like a missing one", async (t) => {
  const command = await startCommandApi(t);
  const { body } = await command('POST', '/v1/users', { as: 'alice', body: newUser() });
  const profile = { body: { name: 'Renamed' } };
  assert.equal((await command('POST', '/v1/users', { as: 'carol', body: newUser() })).status, 403, 'carol only reads');
  assert.equal((await command('PATCH', `/v1/users/${body.userId}/profile`, { as: 'dave', ...profile })).status, 403);
  const other = await command('PATCH', `/v1/users/${body.userId}/profile`, { as: 'bob', ...profile });
  const missing = await command('PATCH', `/v1/users/${crypto.randomUUID()}/profile`, { as: 'bob', ...profile });
  assert.equal(other.status, 404);
  assert.deepEqual([other.body.code, other.body.title], [missing.body.code, missing.body.title]);
  assert.equal((await command('PATCH', `/v1/users/${body.userId}/profile`, { as: 'alice', ...profile })).status, 202);
});
