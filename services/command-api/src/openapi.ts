import { bearerSecurityScheme, guardedResponses, problemOpenapiComponents, problemResponse as problem } from '@thalweg/platform/http';
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retry safe: the same key and request return the first answer; the same key with another request is a 422.',
  schema: { type: 'string', pattern: '^[\\w.:-]{1,255}$' },
};
const walletId = { name: 'walletId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const commandId = { name: 'commandId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const preferWait = {
  name: 'Prefer',
  in: 'header',
  required: false,
  description: 'RFC 7240 `wait=N`: wait up to N seconds (at most THALWEG_COMMAND_WAIT_MAX_SECONDS, 30 by default) for the ledger to decide the command.',
  schema: { type: 'string', examples: ['wait=5'] },
};
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
const commandJson = (description: string, headers: Record<string, unknown>) => ({
  description,
  headers: { 'Consistency-Token': { schema: { type: 'string' } }, ...headers },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/LedgerCommand' } } },
});
const pendingCommand = commandJson('The command is on the log, not decided yet (or not within the Prefer wait). Location names its status; the Consistency-Token waits for its outcome.', { Location: { schema: { type: 'string' } } });
const decidedCommand = commandJson('Accepted by the ledger (with Prefer: wait): where its events landed, and a Consistency-Token that reads them back.', {});
const rejectedCommand = { ...problem, description: 'Refused by the ledger (with Prefer: wait), or a request that cannot be taken: the problem names the reason (THALWEG_INSUFFICIENT_FUNDS, THALWEG_CURRENCY_MISMATCH, …).' };
// A ledger command is decided on the log: 202 at once, or its outcome with Prefer: wait.
const ledgerResponses = { ...guardedResponses, '200': decidedCommand, '202': pendingCommand, '400': problem, '404': problem, '409': problem, '422': rejectedCommand, '503': problem };

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
  info: { title: 'Thalweg command API', version: '1.0.0', description: 'Commands go onto Kafka: ledger commands are decided by the ledger processor (202 with the command id, or its outcome with Prefer: wait), user commands become events at once (202 with a consistency token).' },
  servers: [{ url: 'http://127.0.0.1:4001' }],
  security: [{ bearer: [] }],
  paths: {
    '/v1/wallets': {
      post: {
        operationId: 'openWallet',
        parameters: [idempotencyKey, preferWait],
        requestBody: jsonBody(['ownerId', 'currency'], {
          walletId: { type: 'string', format: 'uuid', description: 'Optional client-chosen id.' },
          ownerId: { type: 'string', minLength: 1, maxLength: 128 },
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        }),
        responses: {
          ...guardedResponses,
          '201': { ...decidedCommand, description: 'Opened (with Prefer: wait); Location names the wallet.', headers: { ...decidedCommand.headers, Location: { schema: { type: 'string' } } } },
          '202': pendingCommand,
          '400': problem,
          '409': problem,
          '422': rejectedCommand,
          '503': problem,
        },
      },
    },
    '/v1/wallets/{walletId}/credits': {
      post: { operationId: 'creditWallet', parameters: [walletId, idempotencyKey, preferWait], requestBody: movementBody, responses: ledgerResponses },
    },
    '/v1/wallets/{walletId}/debits': {
      post: { operationId: 'debitWallet', parameters: [walletId, idempotencyKey, preferWait], requestBody: movementBody, responses: ledgerResponses },
    },
    '/v1/wallets/{walletId}/transfers': {
      post: {
        operationId: 'transferFunds',
        description: 'Moves money to another wallet of the same tenant and currency: the source is debited, then the destination credited; if the destination cannot be credited the money goes back and the transfer is rejected. The outcome is known once both wallets have decided.',
        parameters: [walletId, idempotencyKey, preferWait],
        requestBody: jsonBody(['destinationWalletId', 'amountMinor', 'reference'], {
          destinationWalletId: { type: 'string', format: 'uuid', description: 'Another wallet of the same tenant (404 otherwise).' },
          amountMinor: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Integer minor units (cents).' },
          currency: { type: 'string', pattern: '^[A-Z]{3}$', description: "Optional; must equal the wallets' currency." },
          reference: { type: 'string', minLength: 1, maxLength: 140 },
        }),
        responses: ledgerResponses,
      },
    },
    '/v1/commands/{commandId}': {
      get: {
        operationId: 'getCommand',
        description: "A ledger command's outcome: pending, accepted (with its events' positions and a read token) or rejected (with the problem naming the reason). Another tenant's command is a 404.",
        parameters: [commandId, preferWait],
        responses: {
          ...guardedResponses,
          '200': { description: 'Where the command stands.', headers: { 'Consistency-Token': { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandStatus' } } } },
          '400': problem,
          '404': problem,
          '503': problem,
        },
      },
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
      LedgerCommand: {
        type: 'object',
        required: ['commandId', 'status'],
        properties: {
          commandId: { type: 'string', format: 'uuid' },
          status: { enum: ['pending', 'accepted'] },
          walletId: { type: 'string', format: 'uuid' },
          entryId: { type: 'string', format: 'uuid' },
          transferId: { type: 'string', format: 'uuid' },
          destinationWalletId: { type: 'string', format: 'uuid' },
          consistencyToken: { type: 'string', description: 'Pending: waits for the outcome. Accepted: waits for the events.' },
          position: { $ref: '#/components/schemas/Position', description: 'Where the command sits (pending answers).' },
          positions: { type: 'array', items: { $ref: '#/components/schemas/Position' }, description: "Where the accepted command's events landed." },
        },
      },
      CommandStatus: {
        type: 'object',
        required: ['commandId', 'commandType', 'walletId', 'status', 'command', 'positions'],
        properties: {
          commandId: { type: 'string', format: 'uuid' },
          commandType: { type: 'string', examples: ['thalweg.ledger.DebitFunds'] },
          walletId: { type: 'string', format: 'uuid' },
          status: { enum: ['pending', 'accepted', 'rejected'] },
          command: { $ref: '#/components/schemas/Position' },
          positions: { type: 'array', items: { $ref: '#/components/schemas/Position' } },
          consistencyToken: { type: 'string' },
          problem: { $ref: '#/components/schemas/Problem', description: 'Why a rejected command was refused.' },
        },
      },
      Position: { type: 'object', required: ['topic', 'partition', 'offset'], properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'string' } } },
      ...problemOpenapiComponents.schemas,
    },
    responses: problemOpenapiComponents.responses,
    securitySchemes: bearerSecurityScheme,
  },
} as const;
