import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { serviceToken, testStack, userToken } from '../testing/index.ts';
import { createBearerAuthentication } from './bearer-authentication.ts';

/** Runs `identify` on a request carrying this Authorization header; returns the request after. */
async function identify(auth: ReturnType<typeof createBearerAuthentication>, authorization: string): Promise<Request> {
  const request = { header: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined) } as unknown as Request;
  await new Promise<void>((resolve) => auth.identify(request, {} as never, () => resolve()));
  return request;
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
