import type { Request, Router } from 'express';
import type { AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import { parseFields } from '@thalweg/platform/http';
import { readConsistency, type ReadConsistencyOptions } from './read-consistency.ts';
import type { WalletReads } from './wallet-reads.ts';

export interface WalletRouteDependencies {
  reads: WalletReads;
  access: AccessControl;
  /** Consistency tokens against the ledger projection's position. */
  consistency: ReadConsistencyOptions;
}

const walletIdRule = { walletId: { type: 'uuid' } } as const;
const pageRules = {
  limit: { type: 'string', required: false, pattern: /^(?:[1-9]\d?|1\d\d|200)$/, patternHint: 'must be an integer from 1 to 200' },
  cursor: { type: 'string', required: false, maxLength: 200 },
} as const;

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

  return (router: Router) => {
    router.get('/wallets/:walletId', async (request, response) => {
      const { walletId } = parseFields(request.params, walletIdRule, 'path');
      await awaitConsistency(request);
      response.json((await readableWallet(request, walletId)).view);
    });

    router.get('/wallets/:walletId/entries', async (request, response) => {
      const { walletId } = parseFields(request.params, walletIdRule, 'path');
      const { limit, cursor } = parseFields(request.query, pageRules, 'query');
      await awaitConsistency(request);
      const { tenant } = await readableWallet(request, walletId);
      const page = await reads.entries(tenant, walletId, { limit: limit ? Number(limit) : 50, ...(cursor ? { cursor } : {}) });
      response.json(page);
    });
  };
}
