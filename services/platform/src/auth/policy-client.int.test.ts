import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { onCleanup, startOpaProcess, testStack } from '../testing/index.ts';
import { createPolicyClient, type PolicyInput } from './policy-client.ts';

const aliceReads: PolicyInput = { subject: 'alice', tenant: 'acme', roles: ['wallets-reader'], client: 'thalweg-cli', action: 'wallets:read', resource: { type: 'wallet', id: 'w-1', tenant: 'acme' } };

async function expectUnavailable(promise: Promise<unknown>, detail: RegExp) {
  await assert.rejects(promise, (error: { code?: string; message: string }) => {
    assert.equal(error.code, 'THALWEG_POLICY_UNAVAILABLE');
    assert.match(error.message, detail);
    return true;
  });
}

test("the stack's OPA answers the authorization decision and the tenant scope", async () => {
  const policy = createPolicyClient({ url: testStack.opaUrl, cacheMs: 0 });
  assert.deepEqual(await policy.decide(aliceReads), { allow: true, cross_tenant: false, reason: 'wallets:read granted by role wallets-reader' });
  const other = await policy.decide({ ...aliceReads, resource: { type: 'wallet', id: 'w-2', tenant: 'globex' } });
  assert.equal(other.allow, false);
  assert.equal(other.cross_tenant, true);
  const scope = await policy.scope({ ...aliceReads, roles: ['searcher'], action: 'search:users', resource: { type: 'user' } });
  assert.deepEqual(scope.tenants, ['acme']);
});

test('an OPA that does not answer within the timeout is THALWEG_POLICY_UNAVAILABLE, not an allow', async (t) => {
  // Accepts connections and never answers: a hung policy engine.
  const sockets = new Set<import('node:net').Socket>();
  const hung = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  onCleanup(t, () => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); hung.close(() => resolve()); }));
  const port = (hung.address() as { port: number }).port;
  const policy = createPolicyClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 200 });
  const started = Date.now();
  await expectUnavailable(policy.decide(aliceReads), /within 200 ms/);
  assert.ok(Date.now() - started < 2_000, 'the timeout bounds the wait');
});

test('an OPA without the policies loaded gives no decision: unavailable', async (t) => {
  const empty = await startOpaProcess(t, { policies: false });
  const policy = createPolicyClient({ url: empty.url });
  await expectUnavailable(policy.decide(aliceReads), /are the policies loaded/);
  await expectUnavailable(policy.scope(aliceReads), /are the policies loaded/);
});

test('a decision is cached briefly per identical question; failures are not', async (t) => {
  const opa = await startOpaProcess(t);
  let clock = 0;
  const policy = createPolicyClient({ url: opa.url, cacheMs: 2_000, now: () => clock });
  assert.equal((await policy.decide(aliceReads)).allow, true);
  await opa.stop();
  assert.equal((await policy.decide(aliceReads)).allow, true, 'the same question within cacheMs is answered from the cache');
  await expectUnavailable(policy.decide({ ...aliceReads, subject: 'alice-2' }), /cannot be reached/);
  clock = 2_001;
  await expectUnavailable(policy.decide(aliceReads), /cannot be reached/);
  await startOpaProcess(t, { port: opa.port });
  assert.equal((await policy.decide(aliceReads)).allow, true, 'a failure was not cached');
});
