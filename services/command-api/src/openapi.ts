import { bearerSecurityScheme, guardedResponses, problemOpenapiComponents, problemResponse as problem } from '@thalweg/platform/http';
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retry safe: the same key and request return the first answer; the same key with another request is a 422.',
  schema: { type: 'string', pattern: '^[\\w.:-]{1,255}$' },
};
const walletId = { name: 'walletId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
/** A required JSON body: an object with exactly these properties. */
const jsonBody = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required, properties } } },
});
const movementBody = jsonBody(['amountMinor', 'reference'], {
  amountMinor: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Integer minor units (cents).' },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', description: "Optional; must equal the wallet's currency." },
  reference: { type: 'string', minLength: 1, maxLength: 140 },
});
const acceptedResponse = {
  description: 'Accepted: the event is on Kafka. Read it back with the Consistency-Token header.',
  headers: { 'Consistency-Token': { schema: { type: 'string' } } },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
};

/** The command API's contract, served at /openapi.json. */
export const commandApiOpenapi = {
  openapi: '3.1.0',
  info: { title: 'Thalweg command API', version: '1.0.0', description: 'Commands become Avro events on Kafka; answers are 202 with a consistency token.' },
  servers: [{ url: 'http://127.0.0.1:4001' }],
  security: [{ bearer: [] }],
  paths: {
    '/v1/wallets': {
      post: {
        operationId: 'openWallet',
        parameters: [idempotencyKey],
        requestBody: jsonBody(['ownerId', 'currency'], {
          walletId: { type: 'string', format: 'uuid', description: 'Optional client-chosen id.' },
          ownerId: { type: 'string', minLength: 1, maxLength: 128 },
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        }),
        responses: { ...guardedResponses, '202': acceptedResponse, '400': problem, '409': problem, '422': problem, '503': problem },
      },
    },
    '/v1/wallets/{walletId}/credits': {
      post: { operationId: 'creditWallet', parameters: [walletId, idempotencyKey], requestBody: movementBody, responses: { ...guardedResponses, '202': acceptedResponse, '400': problem, '404': problem, '422': problem, '503': problem } },
    },
    '/v1/wallets/{walletId}/debits': {
      post: { operationId: 'debitWallet', parameters: [walletId, idempotencyKey], requestBody: movementBody, responses: { ...guardedResponses, '202': acceptedResponse, '400': problem, '404': problem, '422': problem, '503': problem } },
    },
  },
  components: {
    schemas: {
      Accepted: {
        type: 'object',
        required: ['eventId', 'consistencyToken', 'position'],
        properties: {
          walletId: { type: 'string', format: 'uuid' },
          entryId: { type: 'string', format: 'uuid' },
          eventId: { type: 'string', description: 'The CloudEvents id (UUIDv7).' },
          consistencyToken: { type: 'string' },
          position: { type: 'object', properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'string' } } },
        },
      },
      ...problemOpenapiComponents.schemas,
    },
    responses: problemOpenapiComponents.responses,
    securitySchemes: bearerSecurityScheme,
  },
} as const;
