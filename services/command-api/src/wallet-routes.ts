import type { Request, Router } from 'express';
import { identityOf, type AccessControl } from '@thalweg/platform/auth';
import { ThalwegError, validationError } from '@thalweg/platform/errors';
import { parseFields } from '@thalweg/platform/http';
import type { LedgerCommandAnswer } from './ledger-answer.ts';
import { movementCommand, openWalletCommand, transferCommand } from './wallet-commands.ts';
import type { WalletDirectory } from './wallet-directory.ts';

export interface WalletRouteDependencies {
  answer: LedgerCommandAnswer;
  access: AccessControl;
  directory: WalletDirectory;
  clock?: () => Date;
}

const CURRENCY = { type: 'string', pattern: /^[A-Z]{3}$/, patternHint: 'must be an ISO 4217 code such as EUR' } as const;
const AMOUNT = { type: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER } as const;
const REFERENCE = { type: 'string', minLength: 1, maxLength: 140 } as const;
const openWalletRules = {
  walletId: { type: 'uuid', required: false },
  ownerId: { type: 'string', minLength: 1, maxLength: 128 },
  currency: CURRENCY,
} as const;
const movementRules = { amountMinor: AMOUNT, currency: { ...CURRENCY, required: false }, reference: REFERENCE } as const;
const transferRules = { destinationWalletId: { type: 'uuid' }, ...movementRules } as const;
const walletIdRule = { walletId: { type: 'uuid' } } as const;

export function walletRoutes({ answer, access, directory, clock = () => new Date() }: WalletRouteDependencies) {
  /**
   * The wallet, once the policy allows the action on it. A missing wallet goes to the policy with
   * no owner: answered like another tenant's, 404. The directory is the command side's index of
   * wallets and their tenants; the ledger processor decides on the wallet's state.
   */
  async function permittedWallet(request: Request, action: string, walletId: string) {
    const wallet = await directory.find(walletId);
    await access.authorize(request, action, { type: 'wallet', id: walletId, tenant: wallet?.tenant ?? null });
    if (!wallet) throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${walletId} not found`);
    return wallet;
  }

  return (router: Router) => {
    router.post('/wallets', async (request, response) => {
      const fields = parseFields(request.body, openWalletRules);
      await access.authorize(request, 'wallets:open', { type: 'wallet' });
      const { tenant } = identityOf(request);
      await answer(
        { request, response },
        'open-wallet',
        async (commandId, submit) => {
          const command = openWalletCommand(fields, tenant, clock(), commandId);
          const { walletId } = command.data;
          // Reserved before publishing, so two concurrent openings of one id cannot both land.
          if (!(await directory.reserve(walletId))) throw new ThalwegError('THALWEG_CONFLICT', `wallet ${walletId} already exists`);
          try {
            await submit(command);
          } catch (error) {
            await directory.release(walletId);
            throw error;
          }
          await directory.record({ walletId, tenant, ownerId: fields.ownerId, currency: fields.currency });
          return { walletId };
        },
        (body) => `/v1/wallets/${String(body.walletId)}`,
      );
    });

    for (const direction of ['credit', 'debit'] as const) {
      router.post(`/wallets/:walletId/${direction}s`, async (request, response) => {
        const { walletId } = parseFields(request.params, walletIdRule, 'path');
        const fields = parseFields(request.body, movementRules);
        const wallet = await permittedWallet(request, `wallets:${direction}`, walletId);
        await answer({ request, response }, direction, async (commandId, submit) => {
          const command = movementCommand(direction, fields, wallet, clock(), commandId);
          await submit(command);
          return { walletId, entryId: command.data.entryId };
        });
      });
    }

    router.post('/wallets/:walletId/transfers', async (request, response) => {
      const { walletId } = parseFields(request.params, walletIdRule, 'path');
      const fields = parseFields(request.body, transferRules);
      if (fields.destinationWalletId === walletId) throw validationError([{ field: 'body.destinationWalletId', message: 'must be another wallet than the source' }]);
      const source = await permittedWallet(request, 'wallets:transfer', walletId);
      // The destination is the source's tenant's, or it is as unknown: 404 either way.
      const destination = await directory.find(fields.destinationWalletId);
      if (!destination || destination.tenant !== source.tenant) {
        throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${fields.destinationWalletId} not found`, { fields: [{ field: 'body.destinationWalletId', message: 'no such wallet' }] });
      }
      await answer({ request, response }, 'transfer', async (commandId, submit) => {
        const command = transferCommand(fields, source, clock(), commandId);
        await submit(command);
        return { walletId, transferId: command.data.transferId, destinationWalletId: fields.destinationWalletId };
      });
    });
  };
}
