/**
 * What createServiceApp answers for requests no route can take as sent, over a real socket: the
 * method, the body's size and the body's type.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../telemetry/index.ts';
import { onCleanup } from '../testing/index.ts';
import { createServiceApp, listen } from './service-app.ts';

async function serve(t: TestContext) {
  const app = createServiceApp({
    name: 'contract-test',
    logger: silentLogger,
    openapi: {},
    bodyLimit: '1kb',
    routes: (router) => {
      router.get('/wallets/:walletId', (_request, response) => void response.json({ ok: true }));
      router.patch('/wallets/:walletId', (request, response) => void response.json({ body: request.body }));
      router.post('/wallets', (request, response) => void response.status(201).json({ body: request.body }));
    },
  });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  onCleanup(t, () => server.close());
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return async (method: string, path: string, { body, type = 'application/json' }: { body?: string; type?: string } = {}) => {
    const response = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': type } }) });
    return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as Record<string, any> | undefined };
  };
}

test('a known path with a method it lacks is 405 with Allow; an unknown path stays 404', async (t) => {
  const call = await serve(t);
  const deleted = await call('DELETE', '/v1/wallets/w-1');
  assert.equal(deleted.status, 405);
  assert.equal(deleted.headers.get('allow'), 'GET, HEAD, PATCH');
  assert.equal(deleted.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(deleted.body?.code, 'THALWEG_METHOD_NOT_ALLOWED');
  assert.equal((await call('GET', '/v1/wallets')).headers.get('allow'), 'POST');
  assert.equal((await call('GET', '/v1/nowhere')).status, 404);
  assert.equal((await call('GET', '/v1/wallets/w-1')).status, 200);
});

test('a body over the limit is 413 naming the body; one within it is read', async (t) => {
  const call = await serve(t);
  const large = await call('POST', '/v1/wallets', { body: JSON.stringify({ reference: 'x'.repeat(2_000) }) });
  assert.equal(large.status, 413);
  assert.equal(large.body?.code, 'THALWEG_PAYLOAD_TOO_LARGE');
  assert.deepEqual(large.body?.errors, [{ field: 'body', message: 'exceeds the size limit' }]);
  assert.equal((await call('POST', '/v1/wallets', { body: JSON.stringify({ reference: 'x' }) })).status, 201);
});

test('a body that is not JSON is 415 naming Content-Type; JSON-based types and empty bodies pass', async (t) => {
  const call = await serve(t);
  const form = await call('POST', '/v1/wallets', { body: 'currency=EUR', type: 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  assert.equal(form.body?.code, 'THALWEG_UNSUPPORTED_MEDIA_TYPE');
  assert.equal(form.body?.errors[0].field, 'header.Content-Type');
  assert.equal(form.headers.get('accept-post'), 'application/json');
  const patch = await call('PATCH', '/v1/wallets/w-1', { body: 'currency: EUR', type: 'text/yaml' });
  assert.equal(patch.status, 415);
  assert.equal(patch.headers.get('accept-patch'), 'application/json');
  assert.deepEqual((await call('PATCH', '/v1/wallets/w-1', { body: '{"currency":"EUR"}', type: 'application/merge-patch+json' })).body, { body: { currency: 'EUR' } });
  assert.equal((await call('POST', '/v1/wallets', { body: '', type: 'text/plain' })).status, 201, 'no bytes, no body to refuse');
});
