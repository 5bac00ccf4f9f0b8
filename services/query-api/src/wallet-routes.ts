import type { Request } from 'express';
import Type from 'typebox';
import type { AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import { PATTERN_HINT, contractRoute, problemAnswer, routeContract } from '@thalweg/platform/http';
import { readConsistency, type ReadConsistencyOptions } from './read-consistency.ts';
import { readHeaders, readResponses, timestamp, uuid } from './read-contracts.ts';
import type { WalletReads } from './wallet-reads.ts';

export interface WalletRouteDependencies {
  reads: WalletReads;
  access: AccessControl;
  /** Consistency tokens against the ledger projection's position. */
  consistency: ReadConsistencyOptions;
}

const PAGE_SIZE = 50;

export const walletSchema = Type.Object(
  {
    walletId: uuid(),
    ownerId: Type.String(),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    balanceMinor: Type.Integer({ minimum: 0 }),
    version: Type.Integer({ minimum: 1, description: 'Events applied to this wallet.' }),
    openedAt: timestamp(),
    updatedAt: timestamp(),
  },
  { additionalProperties: false },
);

export const entrySchema = Type.Object(
  {
    entryId: uuid(),
    direction: Type.Enum(['credit', 'debit']),
    amountMinor: Type.Integer({ minimum: 1 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    balanceAfterMinor: Type.Integer({ minimum: 0 }),
    reference: Type.String(),
    walletVersion: Type.Integer({ minimum: 1 }),
    occurredAt: timestamp(),
    eventId: Type.String(),
    transferId: Type.Union([uuid(), Type.Null()], { description: 'The transfer the entry belongs to (its debit, its credit, or the money returned); null for a plain credit or debit.' }),
  },
  { additionalProperties: false },
);

export const entryPageSchema = Type.Object(
  { items: Type.Array(entrySchema), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'The cursor of the next page; null on the last.' }) },
  { additionalProperties: false },
);

const walletPath = Type.Object({ walletId: uuid() });
const notFound = problemAnswer("No such wallet for this caller (another tenant's is as unknown).");

export const walletContracts = {
  getWallet: routeContract({
    method: 'get',
    path: '/v1/wallets/{walletId}',
    operationId: 'getWallet',
    summary: 'A wallet and its balance',
    params: walletPath,
    headers: readHeaders,
    responses: { '200': { description: 'The wallet', body: walletSchema }, '404': notFound, ...readResponses },
  }),
  listWalletEntries: routeContract({
    method: 'get',
    path: '/v1/wallets/{walletId}/entries',
    operationId: 'listWalletEntries',
    summary: "A wallet's entries, oldest first",
    description: 'Unknown query parameters are refused (400).',
    params: walletPath,
    query: Type.Object(
      {
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: PAGE_SIZE })),
        cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]*$', [PATTERN_HINT]: 'must be a cursor returned by this API', description: 'nextCursor of the previous page; any other text is a 400.' })),
      },
      { additionalProperties: false },
    ),
    headers: readHeaders,
    responses: { '200': { description: 'One page of entries, oldest first', body: entryPageSchema }, '404': notFound, ...readResponses },
  }),
};

export function walletRoutes({ reads, access, consistency }: WalletRouteDependencies) {
  const awaitConsistency = readConsistency(consistency);

  /**
   * The wallet, once the policy allows reading it. A missing wallet is put to the policy with no
   * owner, so it is answered exactly like another tenant's: 404.
   */
  async function readableWallet(request: Request, walletId: string) {
    const wallet = await reads.wallet(walletId);
    await access.authorize(request, 'wallets:read', { type: 'wallet', id: walletId, tenant: wallet?.tenant ?? null });
    if (!wallet) throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${walletId} not found`);
    return wallet;
  }

  return [
    contractRoute(walletContracts.getWallet, async ({ params: { walletId } }, request, response) => {
      await awaitConsistency(request);
      response.json((await readableWallet(request, walletId)).view);
    }),

    contractRoute(walletContracts.listWalletEntries, async ({ params: { walletId }, query: { limit = PAGE_SIZE, cursor } }, request, response) => {
      await awaitConsistency(request);
      const { tenant } = await readableWallet(request, walletId);
      response.json(await reads.entries(tenant, walletId, { limit, ...(cursor ? { cursor } : {}) }));
    }),
  ];
}
