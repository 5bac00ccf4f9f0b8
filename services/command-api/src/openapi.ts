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

const userId = { name: 'userId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const country = { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' };
const preferences = {
  type: 'object',
  additionalProperties: false,
  required: ['language', 'timeZone', 'notifications'],
  description: 'Replaced as a whole when given.',
  properties: {
    language: { type: 'string', description: 'BCP 47 tag such as fr or en-GB.' },
    timeZone: { type: 'string', description: 'IANA time zone such as Europe/Paris.' },
    notifications: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'sms', 'marketing'],
      properties: { email: { type: 'boolean' }, sms: { type: 'boolean' }, marketing: { type: 'boolean' } },
    },
  },
};
const kycDocument = {
  type: 'object',
  additionalProperties: false,
  required: ['documentId', 'kind'],
  properties: { documentId: { type: 'string', minLength: 1, maxLength: 128 }, kind: { enum: ['passport', 'id_card', 'driving_licence', 'proof_of_address'] } },
};
// Every command may meet a 409: a retry while its Idempotency-Key's first request still runs.
const commandResponses = { ...guardedResponses, '202': acceptedResponse, '400': problem, '404': problem, '409': problem, '422': problem, '503': problem };

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
      post: { operationId: 'creditWallet', parameters: [walletId, idempotencyKey], requestBody: movementBody, responses: commandResponses },
    },
    '/v1/wallets/{walletId}/debits': {
      post: { operationId: 'debitWallet', parameters: [walletId, idempotencyKey], requestBody: movementBody, responses: commandResponses },
    },
    '/v1/users': {
      post: {
        operationId: 'registerUser',
        parameters: [idempotencyKey],
        requestBody: jsonBody(['email', 'name', 'country'], {
          userId: { type: 'string', format: 'uuid', description: 'Optional client-chosen id.' },
          email: { type: 'string', format: 'email', maxLength: 254, description: 'Unique within the tenant (409 otherwise).' },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          country,
        }),
        responses: commandResponses,
      },
    },
    '/v1/users/{userId}/profile': {
      patch: {
        operationId: 'updateProfile',
        parameters: [userId, idempotencyKey],
        requestBody: jsonBody([], { name: { type: 'string', minLength: 1, maxLength: 200 }, country, preferences }),
        responses: commandResponses,
      },
    },
    '/v1/users/{userId}/kyc-decisions': {
      post: {
        operationId: 'decideKyc',
        description: 'One step of the KYC workflow: pending -> submitted (with documents) -> in_review -> approved | rejected (with a reason); rejected -> submitted. Any other step is a 409.',
        parameters: [userId, idempotencyKey],
        requestBody: jsonBody(['state'], {
          state: { enum: ['submitted', 'in_review', 'approved', 'rejected'] },
          reason: { type: 'string', minLength: 1, maxLength: 500 },
          documents: { type: 'array', maxItems: 10, items: kycDocument },
        }),
        responses: commandResponses,
      },
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
          userId: { type: 'string', format: 'uuid' },
          kycState: { type: 'string' },
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
