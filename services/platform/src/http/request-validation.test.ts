import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import Type from 'typebox';
import { requestValidator } from './request-validation.ts';
import { routeContract } from './route-contract.ts';
import { PATTERN_HINT, conditionalRule } from './schema-problems.ts';

const contract = routeContract({
  method: 'post',
  path: '/v1/wallets/{walletId}/credits',
  operationId: 'creditWallet',
  summary: 'test',
  params: Type.Object({ walletId: Type.String({ format: 'uuid' }) }),
  query: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), verbose: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  headers: Type.Object({ 'Idempotency-Key': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,8}$', [PATTERN_HINT]: 'must be 1-8 letters or digits' })) }),
  body: Type.Object(
    {
      walletId: Type.Optional(Type.String({ format: 'uuid' })),
      amountMinor: Type.Integer({ minimum: 1 }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', [PATTERN_HINT]: 'must be an ISO 4217 code' }),
    },
    { additionalProperties: false },
  ),
  responses: {},
});
const validate = requestValidator(contract);
const WALLET = '01890a5d-ac96-774b-bcce-b302099a8057';

/** A request as express hands it over: path parameters and query as text, headers by any case. */
function request({ params = { walletId: WALLET }, query = {}, headers = {}, body }: { params?: Record<string, string>; query?: Record<string, unknown>; headers?: Record<string, string>; body?: unknown }): Request {
  return { params, query, body, header: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
}

function problemsOf(input: Parameters<typeof request>[0]): Array<{ field: string; message: string }> {
  try {
    validate(request(input));
  } catch (error) {
    assert.equal((error as { code: string }).code, 'THALWEG_VALIDATION_FAILED');
    return (error as { fields: Array<{ field: string; message: string }> }).fields;
  }
  return [];
}
const fieldsOf = (input: Parameters<typeof request>[0]) => problemsOf(input).map((problem) => problem.field).sort();

test('a request that fits parses to its declared parts, text parameters read as their declared types', () => {
  const input = validate(request({ query: { limit: '20', verbose: 'true' }, headers: { 'idempotency-key': 'k1' }, body: { amountMinor: 5, currency: 'EUR' } }));
  assert.deepEqual(input, { params: { walletId: WALLET }, query: { limit: 20, verbose: true }, headers: { 'Idempotency-Key': 'k1' }, body: { amountMinor: 5, currency: 'EUR' } });
});

test('every wrong, missing and unknown field is named with its path, in one answer', () => {
  assert.deepEqual(fieldsOf({ body: { amountMinor: 0, extra: true } }), ['body.amountMinor', 'body.currency', 'body.extra']);
  assert.deepEqual(fieldsOf({ params: { walletId: 'nope' }, query: { limit: '0', page: '2' }, headers: { 'idempotency-key': 'a b' }, body: { amountMinor: 1.5, currency: 'eur', walletId: 'nope' } }), [
    'body.amountMinor',
    'body.currency',
    'body.walletId',
    'header.Idempotency-Key',
    'path.walletId',
    'query.limit',
    'query.page',
  ]);
});

test('the messages say what is expected', () => {
  const messages = Object.fromEntries(
    problemsOf({ params: { walletId: 'x' }, query: { limit: '500' }, headers: { 'idempotency-key': 'a b' }, body: { amountMinor: 'ten', currency: 'eur', walletId: null } }).map((problem) => [problem.field, problem.message]),
  );
  assert.deepEqual(messages, {
    'path.walletId': 'must be a UUID',
    'query.limit': 'must be at most 200',
    'header.Idempotency-Key': 'must be 1-8 letters or digits',
    'body.amountMinor': 'must be an integer',
    'body.currency': 'must be an ISO 4217 code',
    'body.walletId': 'must be a string',
  });
  assert.deepEqual(problemsOf({ body: { currency: 'EUR' } }), [{ field: 'body.amountMinor', message: 'is required' }]);
});

test('null is not an absent optional field: what the document says is what is taken', () => {
  assert.deepEqual(fieldsOf({ body: { amountMinor: 1, currency: 'EUR', walletId: null } }), ['body.walletId']);
});

test('text is read as a number only when it is exactly one: 1e2, 007, 2.0 and repeated parameters are refused', () => {
  for (const limit of ['1e2', '007', '2.0', ' 2', ['2', '3']]) assert.deepEqual(fieldsOf({ query: { limit }, body: { amountMinor: 1, currency: 'EUR' } }), ['query.limit'], String(limit));
  assert.deepEqual(fieldsOf({ query: { verbose: 'yes' }, body: { amountMinor: 1, currency: 'EUR' } }), ['query.verbose']);
});

test('names every object inherits (constructor, toString, __proto__) are unknown fields too', () => {
  const body = JSON.parse('{"amountMinor":1,"currency":"EUR","constructor":5,"toString":"y","__proto__":{}}');
  assert.deepEqual(fieldsOf({ body }), ['body.__proto__', 'body.constructor', 'body.toString']);
});

test('a body that is not an object, or none, is refused as a whole', () => {
  assert.deepEqual(problemsOf({ body: [1, 2] }), [{ field: 'body', message: 'must be a JSON object' }]);
  assert.deepEqual(fieldsOf({ body: 'text' }), ['body']);
  assert.deepEqual(fieldsOf({}), ['body']);
});

test('nested objects, arrays, enums and booleans are checked with the path of every wrong field', () => {
  const nested = requestValidator(
    routeContract({
      method: 'patch',
      path: '/v1/users',
      operationId: 'nested',
      summary: 'test',
      body: Type.Object(
        {
          preferences: Type.Optional(
            Type.Object(
              { language: Type.String({ minLength: 2 }), notifications: Type.Object({ email: Type.Boolean() }, { additionalProperties: false }) },
              { additionalProperties: false },
            ),
          ),
          documents: Type.Array(Type.Object({ kind: Type.Enum(['passport', 'id_card']) }, { additionalProperties: false }), { minItems: 1, maxItems: 3 }),
        },
        { additionalProperties: false },
      ),
      responses: {},
    }),
  );
  const body = { preferences: { language: 'fr', notifications: { email: true } }, documents: [{ kind: 'passport' }] };
  assert.deepEqual(nested(request({ body })).body, body);
  assert.throws(
    () => nested(request({ body: { preferences: { language: 'f', notifications: { email: 'yes', sms: true } }, documents: [{ kind: 'passport' }, { kind: 'selfie' }, 7] } })),
    (error: { fields: Array<{ field: string; message: string }> }) => {
      assert.deepEqual(error.fields.map((entry) => entry.field).sort(), [
        'body.documents[1].kind',
        'body.documents[2]',
        'body.preferences.language',
        'body.preferences.notifications.email',
        'body.preferences.notifications.sms',
      ]);
      assert.equal(error.fields.find((entry) => entry.field === 'body.documents[1].kind')?.message, 'must be one of passport, id_card');
      return true;
    },
  );
  assert.throws(() => nested(request({ body: { documents: [] } })), /body\.documents: must have at least 1 item/);
  assert.throws(() => nested(request({ body: { documents: Array.from({ length: 4 }, () => ({ kind: 'passport' })) } })), /body\.documents: must have at most 3 items/);
});

test('a contract whose path and params disagree does not load', () => {
  assert.throws(() => routeContract({ method: 'get', path: '/v1/wallets/{walletId}', operationId: 'x', summary: 'x', responses: {} }), /walletId/);
  assert.throws(() => routeContract({ method: 'get', path: '/wallets', operationId: 'x', summary: 'x', responses: {} }), /under \/v1/);
});

test('a conditional rule names the field it is about, once, whichever branch fails', () => {
  const step = requestValidator(
    routeContract({
      method: 'post',
      path: '/v1/steps',
      operationId: 'takeStep',
      summary: 'test',
      body: Type.Object(
        { state: Type.Enum(['submitted', 'pending']), documents: Type.Optional(Type.Array(Type.String())) },
        {
          additionalProperties: false,
          allOf: [
            conditionalRule(
              { properties: { state: { const: 'submitted' } } },
              { schema: { required: ['documents'], properties: { documents: { minItems: 1 } } }, field: 'documents', message: 'a submission needs a document' },
              { schema: { properties: { documents: { maxItems: 0 } } }, field: 'documents', message: 'documents come with a submission only' },
            ),
          ],
        },
      ),
      responses: {},
    }),
  );
  const problems = (body: unknown) => {
    try {
      step(request({ params: {}, body }));
      return [];
    } catch (error) {
      return (error as { fields: Array<{ field: string; message: string }> }).fields;
    }
  };
  assert.deepEqual(problems({ state: 'submitted' }), [{ field: 'body.documents', message: 'a submission needs a document' }]);
  assert.deepEqual(problems({ state: 'submitted', documents: [] }), [{ field: 'body.documents', message: 'a submission needs a document' }]);
  assert.deepEqual(problems({ state: 'pending', documents: ['passport'] }), [{ field: 'body.documents', message: 'documents come with a submission only' }]);
  assert.deepEqual(problems({ state: 'submitted', documents: ['passport'] }), []);
  assert.deepEqual(problems({ state: 'pending' }), []);
});
