import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Request } from 'express';
import { freePort, onCleanup, serviceToken, testStack, userToken } from '../testing/index.ts';
import { createBearerAuthentication } from './bearer-authentication.ts';

/** Runs `identify` on a request carrying this Authorization header; returns the request after. */
async function identify(auth: ReturnType<typeof createBearerAuthentication>, authorization: string): Promise<Request> {
  const request = { header: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined) } as unknown as Request;
  await new Promise<void>((resolve) => auth.identify(request, {} as never, () => resolve()));
  return request;
}

/**
 * An access token that passes every check made before the signing keys are needed (expiry, type,
 * issuer, audience): its signature is never looked at when the keys cannot be had.
 */
function tokenIssuedBy(keycloakUrl: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: `${keycloakUrl}/realms/thalweg`, aud: 'thalweg-api', typ: 'Bearer', sub: 'someone', iat: now, exp: now + 300 };
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'never-fetched' })}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`;
}

/** A key server that accepts connections and never answers, closed with the test. */
async function stalledServer(t: TestContext): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(t, async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

test('a verified token becomes the identity: subject, tenant claim, realm roles and client', async () => {
  const auth = createBearerAuthentication({ keycloakUrl: testStack.keycloakUrl, realm: 'thalweg', audience: 'thalweg-api' });
  const alice = await identify(auth, `Bearer ${await userToken('alice')}`);
  assert.equal(alice.authenticationFailure, undefined);
  assert.equal(alice.identity!.tenant, 'acme');
  assert.equal(alice.identity!.client, 'thalweg-cli');
  assert.ok(alice.identity!.roles.includes('wallets-writer'));
  const service = await identify(auth, `Bearer ${await serviceToken('command-api')}`);
  assert.deepEqual({ tenant: service.identity!.tenant, client: service.identity!.client }, { tenant: 'platform', client: 'command-api' });
});

test('signing keys that cannot be fetched (Keycloak down): 503 THALWEG_IDENTITY_UNAVAILABLE with Retry-After, not a 401', async () => {
  const keycloakUrl = `http://127.0.0.1:${await freePort()}`;
  const auth = createBearerAuthentication({ keycloakUrl, realm: 'thalweg', audience: 'thalweg-api' });
  const request = await identify(auth, `Bearer ${tokenIssuedBy(keycloakUrl)}`);
  assert.equal(request.identity, undefined);
  assert.equal(request.authenticationFailure?.code, 'THALWEG_IDENTITY_UNAVAILABLE');
  assert.equal(request.authenticationFailure?.status, 503);
  assert.deepEqual(request.authenticationFailure?.details?.headers, { 'Retry-After': '5' });
});

// The test's timeout turns a request held for ever into a failure rather than a hung suite.
test('a key server that never answers: 503 at the verification deadline, not a request held for ever', { timeout: 10_000 }, async (t) => {
  const keycloakUrl = await stalledServer(t);
  const auth = createBearerAuthentication({ keycloakUrl, realm: 'thalweg', audience: 'thalweg-api', verifyTimeoutMs: 300 });
  const request = await identify(auth, `Bearer ${tokenIssuedBy(keycloakUrl)}`);
  assert.equal(request.authenticationFailure?.code, 'THALWEG_IDENTITY_UNAVAILABLE');
  assert.match(request.authenticationFailure!.message, /not fetched within 300 ms/);
});
