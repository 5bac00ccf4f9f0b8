import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import Type from 'typebox';
import { openapiDocument } from './openapi-document.ts';
import { problemAnswer, problemSchema } from './problem-schema.ts';
import { routeContract } from './route-contract.ts';

const position = Type.Object({ topic: Type.String(), offset: Type.String() }, { additionalProperties: false });
const amount = Type.Integer({ minimum: 1, description: 'Minor units.' });
const credit = routeContract({
  method: 'post',
  path: '/v1/wallets/{walletId}/credits',
  operationId: 'creditWallet',
  summary: 'Credit a wallet',
  params: Type.Object({ walletId: Type.String({ format: 'uuid' }) }),
  headers: Type.Object({ 'Idempotency-Key': Type.Optional(Type.String({ pattern: '^[a-z]+$' })) }),
  body: Type.Object({ amountMinor: amount, currency: Type.Optional(Type.String()) }, { additionalProperties: false }),
  responses: {
    '202': {
      description: 'Pending',
      headers: { Location: { description: 'Its status.', schema: Type.String() } },
      body: Type.Object({ commandId: Type.String({ format: 'uuid' }), position }),
      links: { GetCommand: { operationId: 'getCommand', parameters: { commandId: '$response.body#/commandId' } } },
    },
    '404': problemAnswer('No such wallet.'),
  },
});
const getCommand = routeContract({
  method: 'get',
  path: '/v1/commands/{commandId}',
  operationId: 'getCommand',
  summary: 'A command',
  params: Type.Object({ commandId: Type.String({ format: 'uuid' }) }),
  query: Type.Object({ wait: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
  responses: { '200': { description: 'The command', body: Type.Object({ position }) } },
});
const document = openapiDocument({ title: 'Test API', version: '1.0.0', description: 'For the test.', servers: ['http://127.0.0.1:1'], contracts: [credit, getCommand], schemas: { Position: position } }) as any;

test('the document is valid OpenAPI 3.1', async () => {
  const result = await new Validator().validate(structuredClone(document));
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
  assert.equal(document.openapi, '3.1.0');
});

test('parameters come from the params, query and headers schemas, each with the schema the route checks', () => {
  const operation = document.paths['/v1/wallets/{walletId}/credits'].post;
  assert.deepEqual(operation.parameters, [
    { name: 'walletId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[a-z]+$' } },
  ]);
  assert.deepEqual(document.paths['/v1/commands/{commandId}'].get.parameters[1], { name: 'wait', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } });
  assert.deepEqual(operation.requestBody, {
    required: true,
    content: { 'application/json': { schema: JSON.parse(JSON.stringify(credit.body)) } },
  });
  assert.deepEqual(operation.requestBody.content['application/json'].schema.required, ['amountMinor'], 'an optional property is not required');
});

test('every operation has the guarded answers; one with inputs the 400, one with a body the 413 and 415', () => {
  const creditAnswers = document.paths['/v1/wallets/{walletId}/credits'].post.responses;
  assert.deepEqual(Object.keys(creditAnswers), ['202', '400', '401', '403', '404', '413', '415', '429', '503']);
  assert.deepEqual(creditAnswers['401'], { $ref: '#/components/responses/Unauthenticated' });
  assert.deepEqual(creditAnswers['404'], { $ref: '#/components/responses/Problem', description: 'No such wallet.' });
  assert.deepEqual(Object.keys(document.paths['/v1/commands/{commandId}'].get.responses), ['200', '400', '401', '403', '429', '503']);
  assert.deepEqual(document.components.responses.RateLimited.headers['Retry-After'].schema, { type: 'string', pattern: '^[0-9]+$' });
  assert.deepEqual(document.security, [{ bearer: [] }]);
  assert.equal(document.components.securitySchemes.bearer.scheme, 'bearer');
});

test('named schemas and the problem document are components, referenced where contracts use them', () => {
  const pending = document.paths['/v1/wallets/{walletId}/credits'].post.responses['202'];
  assert.deepEqual(pending.content['application/json'].schema.properties.position, { $ref: '#/components/schemas/Position' });
  assert.deepEqual(document.components.schemas.Position, JSON.parse(JSON.stringify(position)));
  assert.deepEqual(document.components.schemas.Problem, JSON.parse(JSON.stringify(problemSchema)));
  assert.deepEqual(pending.links, { GetCommand: { operationId: 'getCommand', parameters: { commandId: '$response.body#/commandId' } } });
  assert.deepEqual(pending.headers.Location, { description: 'Its status.', schema: { type: 'string' } });
});

test("TypeBox writes plain JSON Schema 2020-12: optional is absent from required, a union is anyOf, null is a type, a format stays a format", () => {
  assert.deepEqual(JSON.parse(JSON.stringify(Type.Object({ a: Type.Optional(Type.String()), b: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]) }))), {
    type: 'object',
    required: ['b'],
    properties: { a: { type: 'string' }, b: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }] } },
  });
  assert.deepEqual(JSON.parse(JSON.stringify(Type.Enum(['a', 'b']))), { enum: ['a', 'b'] });
});

test('an operation declared twice is refused', () => {
  assert.throws(() => openapiDocument({ title: 't', version: '1', description: 'd', servers: [], contracts: [credit, credit, getCommand] }), /declared twice/);
});

test('a link must name an operation of the document and parameters it has', () => {
  const linking = (link: { operationId: string; parameters: Record<string, string> }) =>
    routeContract({ ...credit, operationId: 'linking', responses: { '202': { description: 'Pending', body: Type.Object({}), links: { Next: link } } } });
  const build = (link: { operationId: string; parameters: Record<string, string> }) => openapiDocument({ title: 't', version: '1', description: 'd', servers: [], contracts: [linking(link), getCommand] });
  assert.throws(() => build({ operationId: 'getCommandz', parameters: { commandId: '$response.body#/commandId' } }), /no operation getCommandz/);
  assert.throws(() => build({ operationId: 'getCommand', parameters: { id: '$response.body#/commandId' } }), /getCommand has no parameter id/);
  assert.doesNotThrow(() => build({ operationId: 'getCommand', parameters: { 'path.commandId': '$response.body#/commandId', wait: '1' } }));
});
