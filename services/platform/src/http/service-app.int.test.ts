/**
 * What createServiceApp answers for requests no route can take as sent, over a real socket: the
 * method, the body's size and the body's type.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import Type from 'typebox';
import { ThalwegError } from '../errors/index.ts';
import { silentLogger } from '../telemetry/index.ts';
import { onCleanup } from '../testing/index.ts';
import { answerProblems } from './answer-conformance.ts';
import { contractRoute, mountRoutes } from './contract-routes.ts';
import { openapiDocument } from './openapi-document.ts';
import { problemAnswer } from './problem-schema.ts';
import { routeContract } from './route-contract.ts';
import { createServiceApp, listen } from './service-app.ts';

const wallet = Type.Object({ walletId: Type.String({ format: 'uuid' }), name: Type.String() }, { additionalProperties: false });
const walletPath = Type.Object({ walletId: Type.String({ format: 'uuid' }) });
const contracts = {
  getWallet: routeContract({
    method: 'get',
    path: '/v1/wallets/{walletId}',
    operationId: 'getWallet',
    summary: 'A wallet',
    params: walletPath,
    responses: { '200': { description: 'The wallet', body: wallet }, '404': problemAnswer('No such wallet.') },
  }),
  renameWallet: routeContract({
    method: 'patch',
    path: '/v1/wallets/{walletId}',
    operationId: 'renameWallet',
    summary: 'Rename a wallet',
    params: walletPath,
    body: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    responses: { '200': { description: 'Renamed', body: wallet } },
  }),
  openWallet: routeContract({
    method: 'post',
    path: '/v1/wallets',
    operationId: 'openWallet',
    summary: 'Open a wallet',
    body: Type.Object({ name: Type.String({ maxLength: 2_000 }) }, { additionalProperties: false }),
    responses: { '201': { description: 'Opened', body: wallet } },
  }),
};
const WALLET = '01890a5d-ac96-774b-bcce-b302099a8057';
const KNOWN = new Set([WALLET]);

async function serve(t: TestContext) {
  const app = createServiceApp({
    name: 'contract-test',
    logger: silentLogger,
    openapi: openapiDocument({ title: 'Contract test', version: '1', description: 'd', servers: [], contracts: Object.values(contracts) }),
    bodyLimit: '1kb',
    routes: mountRoutes(Object.values(contracts), [
      contractRoute(contracts.getWallet, async ({ params: { walletId } }, _request, response) => {
        if (!KNOWN.has(walletId)) throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${walletId} not found`);
        response.json({ walletId, name: 'main' });
      }),
      contractRoute(contracts.renameWallet, async ({ params: { walletId }, body }, _request, response) => void response.json({ walletId, name: body.name })),
      contractRoute(contracts.openWallet, async ({ body }, _request, response) => void response.status(201).json({ walletId: WALLET, name: body.name })),
    ]),
  });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  onCleanup(t, () => server.close());
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return async (method: string, path: string, { body, type = 'application/json' }: { body?: string; type?: string } = {}) => {
    const response = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': type } }) });
    return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as Record<string, any> | undefined };
  };
}

/** What is wrong with an answer against the contract it came from. */
const misfits = (contract: (typeof contracts)[keyof typeof contracts], answer: Awaited<ReturnType<Awaited<ReturnType<typeof serve>>>>) =>
  answerProblems(contract, { status: answer.status, contentType: answer.headers.get('content-type'), body: answer.body, headers: answer.headers });

test('a known path with a method it lacks is 405 with Allow; an unknown path stays 404', async (t) => {
  const call = await serve(t);
  const deleted = await call('DELETE', `/v1/wallets/${WALLET}`);
  assert.equal(deleted.status, 405);
  assert.equal(deleted.headers.get('allow'), 'GET, HEAD, PATCH');
  assert.equal(deleted.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(deleted.body?.code, 'THALWEG_METHOD_NOT_ALLOWED');
  assert.equal((await call('GET', '/v1/wallets')).headers.get('allow'), 'POST');
  assert.equal((await call('GET', '/v1/nowhere')).status, 404);
  assert.equal((await call('GET', `/v1/wallets/${WALLET}`)).status, 200);
});

test("a request that does not fit its contract is a 400 naming every field; every answer fits the contract's schema for its status", async (t) => {
  const call = await serve(t);
  const wrong = await call('PATCH', '/v1/wallets/w-1', { body: JSON.stringify({ name: '', colour: 'red' }) });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body?.code, 'THALWEG_VALIDATION_FAILED');
  assert.deepEqual(wrong.body?.errors.map((entry: { field: string }) => entry.field).sort(), ['body.colour', 'body.name', 'path.walletId']);
  assert.deepEqual(misfits(contracts.renameWallet, wrong), []);
  const renamed = await call('PATCH', `/v1/wallets/${WALLET}`, { body: JSON.stringify({ name: 'savings' }) });
  assert.deepEqual(renamed.body, { walletId: WALLET, name: 'savings' });
  assert.deepEqual(misfits(contracts.renameWallet, renamed), []);
  const missing = await call('GET', '/v1/wallets/01890a5d-ac96-774b-bcce-b302099a8058');
  assert.equal(missing.status, 404);
  assert.deepEqual(misfits(contracts.getWallet, missing), []);
  assert.deepEqual(misfits(contracts.getWallet, { ...renamed, status: 201 }), ['GET /v1/wallets/{walletId} does not declare the status 201']);
  assert.deepEqual(misfits(contracts.getWallet, { ...renamed, body: { walletId: WALLET } }), ['GET /v1/wallets/{walletId} 200: body.name is required']);
});

test('a body over the limit is 413 naming the body; one within it is read', async (t) => {
  const call = await serve(t);
  const large = await call('POST', '/v1/wallets', { body: JSON.stringify({ name: 'x'.repeat(2_000) }) });
  assert.equal(large.status, 413);
  assert.equal(large.body?.code, 'THALWEG_PAYLOAD_TOO_LARGE');
  assert.deepEqual(large.body?.errors, [{ field: 'body', message: 'exceeds the size limit' }]);
  assert.deepEqual(misfits(contracts.openWallet, large), [], 'the 413 is declared');
  assert.equal((await call('POST', '/v1/wallets', { body: JSON.stringify({ name: 'x' }) })).status, 201);
});

test('a body that is not JSON is 415 naming Content-Type; JSON-based types pass, and no bytes is no body', async (t) => {
  const call = await serve(t);
  const form = await call('POST', '/v1/wallets', { body: 'currency=EUR', type: 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  assert.equal(form.body?.code, 'THALWEG_UNSUPPORTED_MEDIA_TYPE');
  assert.equal(form.body?.errors[0].field, 'header.Content-Type');
  assert.equal(form.headers.get('accept-post'), 'application/json');
  assert.deepEqual(misfits(contracts.openWallet, form), [], 'the 415 is declared');
  const patch = await call('PATCH', `/v1/wallets/${WALLET}`, { body: 'name: savings', type: 'text/yaml' });
  assert.equal(patch.status, 415);
  assert.equal(patch.headers.get('accept-patch'), 'application/json');
  assert.deepEqual((await call('PATCH', `/v1/wallets/${WALLET}`, { body: '{"name":"savings"}', type: 'application/merge-patch+json' })).body, { walletId: WALLET, name: 'savings' });
  const empty = await call('POST', '/v1/wallets', { body: '', type: 'text/plain' });
  assert.deepEqual([empty.status, empty.body?.errors], [400, [{ field: 'body', message: 'must be a JSON object' }]], 'no bytes: no body to refuse as a type, and a body the contract requires is missing');
});
