import { bearerSecurityScheme, guardedResponses, problemOpenapiComponents, problemResponse as problem } from '@thalweg/platform/http';
const walletId = { name: 'walletId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const consistencyToken = {
  name: 'Consistency-Token',
  in: 'header',
  required: false,
  description: "From a command answer: the read waits (bounded) until the command's events are projected (for a ledger command not yet decided, first until it is decided); past the bound the answer is 503 with Retry-After. A rejected command's token is answered with its rejection, 422.",
  schema: { type: 'string' },
};

/** The query API's contract, served at /openapi.json. */
export const queryApiOpenapi = {
  openapi: '3.1.0',
  info: { title: 'Thalweg query API', version: '1.0.0', description: 'Reads of the projections, with read-your-writes through consistency tokens.' },
  servers: [{ url: 'http://127.0.0.1:4002' }],
  security: [{ bearer: [] }],
  paths: {
    '/v1/wallets/{walletId}': {
      get: {
        operationId: 'getWallet',
        parameters: [walletId, consistencyToken],
        responses: {
          ...guardedResponses,
          '200': { description: 'The wallet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Wallet' } } } },
          '400': problem,
          '404': problem,
          '422': problem,
          '503': problem,
        },
      },
    },
    '/v1/wallets/{walletId}/entries': {
      get: {
        operationId: 'listWalletEntries',
        parameters: [
          walletId,
          consistencyToken,
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'nextCursor of the previous page.' },
        ],
        responses: {
          ...guardedResponses,
          '200': { description: 'One page of entries, oldest first', content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryPage' } } } },
          '400': problem,
          '404': problem,
          '422': problem,
          '503': problem,
        },
      },
    },
    '/v1/users/{userId}': {
      get: {
        operationId: 'getUser',
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, consistencyToken],
        responses: {
          ...guardedResponses,
          '200': { description: 'The user: profile, preferences, KYC state and timeline', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } },
          '400': problem,
          '404': problem,
          '422': problem,
          '503': problem,
        },
      },
    },
  },
  components: {
    schemas: {
      User: {
        type: 'object',
        properties: {
          userId: { type: 'string', format: 'uuid' },
          email: { type: 'string' },
          name: { type: 'string' },
          country: { type: 'string' },
          preferences: { type: ['object', 'null'] },
          kyc: {
            type: 'object',
            properties: {
              state: { enum: ['pending', 'submitted', 'in_review', 'approved', 'rejected'] },
              updatedAt: { type: 'string', format: 'date-time' },
              timeline: { type: 'array', items: { type: 'object' } },
            },
          },
          registeredAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      Wallet: {
        type: 'object',
        properties: {
          walletId: { type: 'string', format: 'uuid' },
          ownerId: { type: 'string' },
          currency: { type: 'string' },
          balanceMinor: { type: 'integer' },
          version: { type: 'integer', description: 'Events applied to this wallet.' },
          openedAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      Entry: {
        type: 'object',
        properties: {
          entryId: { type: 'string', format: 'uuid' },
          direction: { enum: ['credit', 'debit'] },
          amountMinor: { type: 'integer' },
          currency: { type: 'string' },
          balanceAfterMinor: { type: 'integer' },
          reference: { type: 'string' },
          walletVersion: { type: 'integer' },
          occurredAt: { type: 'string', format: 'date-time' },
          eventId: { type: 'string' },
          transferId: { type: ['string', 'null'], format: 'uuid', description: "The transfer the entry belongs to (its debit, its credit, or the money returned); null for a plain credit or debit." },
        },
      },
      EntryPage: {
        type: 'object',
        properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Entry' } }, nextCursor: { type: ['string', 'null'] } },
      },
      ...problemOpenapiComponents.schemas,
    },
    responses: problemOpenapiComponents.responses,
    securitySchemes: bearerSecurityScheme,
  },
} as const;
