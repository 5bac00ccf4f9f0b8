import { test } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { errorCodes } from '../errors/index.ts';
import { answerProblems, findContract } from './answer-conformance.ts';
import { problemAnswer } from './problem-schema.ts';
import { routeContract } from './route-contract.ts';

const getWallet = routeContract({
  method: 'get',
  path: '/v1/wallets/{walletId}',
  operationId: 'getWallet',
  summary: 'A wallet',
  params: Type.Object({ walletId: Type.String({ format: 'uuid' }) }),
  responses: {
    '200': { description: 'The wallet', headers: { 'Idempotent-Replayed': { schema: Type.Literal('true') } }, body: Type.Object({ balanceMinor: Type.Integer() }, { additionalProperties: false }) },
    '404': problemAnswer('No such wallet.'),
  },
});
const listEntries = routeContract({ ...getWallet, path: '/v1/wallets/{walletId}/entries', operationId: 'listEntries' });
const contracts = [getWallet, listEntries];
const problem = { type: 'https://thalweg.dev/problems/not-found', title: 'Not found', status: 404, detail: 'wallet w not found', code: 'THALWEG_NOT_FOUND' };

test('an answer is matched to the contract of its method and path template', () => {
  assert.equal(findContract(contracts, 'GET', '/v1/wallets/w-1'), getWallet);
  assert.equal(findContract(contracts, 'GET', '/v1/wallets/w-1/entries'), listEntries);
  assert.equal(findContract(contracts, 'POST', '/v1/wallets/w-1'), undefined);
  assert.equal(findContract(contracts, 'GET', '/v1/wallets'), undefined);
});

test('an answer fits when its status is declared and its media type and body are those of that status', () => {
  assert.deepEqual(answerProblems(getWallet, { status: 200, contentType: 'application/json; charset=utf-8', body: { balanceMinor: 5 } }), []);
  assert.deepEqual(answerProblems(getWallet, { status: 404, contentType: 'application/problem+json; charset=utf-8', body: problem }), []);
  assert.deepEqual(answerProblems(getWallet, { status: 401, contentType: 'application/problem+json', body: { ...problem, status: 401, code: 'THALWEG_UNAUTHENTICATED' } }), [], 'the guarded answers are every route\'s');
});

test('a misfit is named: an undeclared status, another media type, a body off its schema', () => {
  assert.deepEqual(answerProblems(getWallet, { status: 409, contentType: 'application/problem+json', body: problem }), ['GET /v1/wallets/{walletId} does not declare the status 409']);
  assert.deepEqual(answerProblems(getWallet, { status: 404, contentType: 'application/json', body: problem }), ['GET /v1/wallets/{walletId} 404 is application/problem+json, not application/json']);
  assert.deepEqual(answerProblems(getWallet, { status: 200, contentType: 'application/json', body: { balanceMinor: 1.5, owner: 'x' } }), [
    'GET /v1/wallets/{walletId} 200: body.owner is not a known field',
    'GET /v1/wallets/{walletId} 200: body.balanceMinor must be an integer',
  ]);
  assert.deepEqual(answerProblems(getWallet, { status: 200, contentType: 'application/json', body: { balanceMinor: 1 }, headers: new Headers({ 'idempotent-replayed': 'yes' }) }), [
    'GET /v1/wallets/{walletId} 200: header.Idempotent-Replayed must be "true"',
  ]);
  assert.deepEqual(answerProblems(getWallet, { status: 200, contentType: 'application/json', body: { balanceMinor: 1 }, headers: new Headers({ 'idempotent-replayed': 'true' }) }), []);
  assert.deepEqual(answerProblems(getWallet, { status: 404, contentType: 'application/problem+json', body: { ...problem, code: 'THALWEG_NOPE' } }), [`GET /v1/wallets/{walletId} 404: body.code must be one of ${Object.keys(errorCodes).join(', ')}`]);
});
