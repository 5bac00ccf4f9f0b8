import type { Router } from 'express';
import { identityOf, type AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import type { DomainEvent, Publisher, PublishResult } from '@thalweg/platform/events';
import { parseFields, type Idempotency } from '@thalweg/platform/http';
import { accepted, answerCommand } from './command-answer.ts';
import { decideMovement, decideOpenWallet } from './wallet-commands.ts';
import type { WalletDirectory } from './wallet-directory.ts';

export interface WalletRouteDependencies {
  publisher: Publisher;
  access: AccessControl;
  directory: WalletDirectory;
  idempotency: Idempotency;
  clock?: () => Date;
}

const CURRENCY = { type: 'string', pattern: /^[A-Z]{3}$/, patternHint: 'must be an ISO 4217 code such as EUR' } as const;
const openWalletRules = {
  walletId: { type: 'uuid', required: false },
  ownerId: { type: 'string', minLength: 1, maxLength: 128 },
  currency: CURRENCY,
} as const;
const movementRules = {
  amountMinor: { type: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER },
  currency: { ...CURRENCY, required: false },
  reference: { type: 'string', minLength: 1, maxLength: 140 },
} as const;
const walletIdRule = { walletId: { type: 'uuid' } } as const;

export function walletRoutes({ publisher, access, directory, idempotency, clock = () => new Date() }: WalletRouteDependencies) {
  return (router: Router) => {
    router.post('/wallets', async (request, response) => {
      const command = parseFields(request.body, openWalletRules);
      await access.authorize(request, 'wallets:open', { type: 'wallet' });
      const { tenant } = identityOf(request);
      await answerCommand({ request, response, idempotency }, 'open-wallet', async (newId) => {
        const event = decideOpenWallet(command, tenant, clock(), newId);
        const { walletId } = event.data;
        // Reserved before publishing, so two concurrent openings of one id cannot both land.
        if (!(await directory.reserve(walletId))) throw new ThalwegError('THALWEG_CONFLICT', `wallet ${walletId} already exists`);
        let result: PublishResult;
        try {
          result = await publisher.publish(event as DomainEvent);
        } catch (error) {
          await directory.release(walletId);
          throw error;
        }
        await directory.record({ walletId, tenant, ownerId: command.ownerId, currency: command.currency });
        return accepted(result, { walletId });
      }, (body) => `/v1/wallets/${String(body.walletId)}`);
    });

    for (const direction of ['credit', 'debit'] as const) {
      router.post(`/wallets/:walletId/${direction}s`, async (request, response) => {
        const { walletId } = parseFields(request.params, walletIdRule, 'path');
        const command = parseFields(request.body, movementRules);
        // A missing wallet goes to the policy with no owner: answered like another tenant's, 404.
        const wallet = await directory.find(walletId);
        await access.authorize(request, `wallets:${direction}`, { type: 'wallet', id: walletId, tenant: wallet?.tenant ?? null });
        if (!wallet) throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${walletId} not found`);
        await answerCommand({ request, response, idempotency }, direction, async (entryId) => {
          const event = decideMovement(direction, command, wallet, clock(), entryId);
          const result = await publisher.publish(event as DomainEvent);
          return accepted(result, { walletId, entryId: event.data.entryId });
        });
      });
    }
  };
}
