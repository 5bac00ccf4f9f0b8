import type { Request, Router } from 'express';
import { identityOf } from '@thalweg/platform/auth';
import { decodeConsistencyToken } from '@thalweg/platform/events';
import { parseFields } from '@thalweg/platform/http';
import type { WalletReads } from './wallet-reads.ts';

/** Waits for the projection to reach a position; throws when it does not within the bound. */
export interface PositionWaiter {
  waitFor(position: { topic: string; partition: number; offset: string }, timeout: number): Promise<void>;
}

export interface WalletRouteDependencies {
  reads: WalletReads;
  position: PositionWaiter;
  consistencyTimeout: number; // ms
}

const walletIdRule = { walletId: { type: 'uuid' } } as const;
const pageRules = {
  limit: { type: 'string', required: false, pattern: /^(?:[1-9]\d?|1\d\d|200)$/, patternHint: 'must be an integer from 1 to 200' },
  cursor: { type: 'string', required: false, maxLength: 200 },
} as const;

export function walletRoutes({ reads, position, consistencyTimeout }: WalletRouteDependencies) {
  /** Read-your-writes: with a Consistency-Token, answer only once the projection has applied it. */
  async function awaitConsistency(request: Request) {
    const token = request.header('consistency-token');
    if (token) await position.waitFor(decodeConsistencyToken(token), consistencyTimeout);
  }

  return (router: Router) => {
    router.get('/wallets/:walletId', async (request, response) => {
      const { walletId } = parseFields(request.params, walletIdRule, 'path');
      await awaitConsistency(request);
      response.json(await reads.wallet(identityOf(request).tenant, walletId));
    });

    router.get('/wallets/:walletId/entries', async (request, response) => {
      const { walletId } = parseFields(request.params, walletIdRule, 'path');
      const { limit, cursor } = parseFields(request.query, pageRules, 'query');
      await awaitConsistency(request);
      const page = await reads.entries(identityOf(request).tenant, walletId, { limit: limit ? Number(limit) : 50, ...(cursor ? { cursor } : {}) });
      response.json(page);
    });
  };
}
