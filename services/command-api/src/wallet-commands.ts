import { validationError } from '@thalweg/platform/errors';
import type { DomainEvent } from '@thalweg/platform/events';
import type { FundsCredited, FundsDebited, WalletOpened } from '@thalweg/platform/schemas';
import type { WalletRecord } from './wallet-directory.ts';

/** Pure decisions: a validated command and what is known become the event to publish. */

export interface OpenWallet {
  walletId?: string;
  ownerId: string;
  currency: string;
}

export interface MoveFunds {
  amountMinor: number;
  currency?: string;
  reference: string;
}

/** `newId` is the wallet's id unless the command names one (commandId). */
export function decideOpenWallet(command: OpenWallet, tenant: string, now: Date, newId: string): DomainEvent<WalletOpened> {
  const walletId = command.walletId ?? newId;
  return {
    type: 'thalweg.ledger.WalletOpened',
    subject: walletId,
    tenant,
    data: { walletId, ownerId: command.ownerId, tenantId: tenant, currency: command.currency, openedAt: now },
  };
}

export function decideMovement(
  direction: 'credit' | 'debit',
  command: MoveFunds,
  wallet: WalletRecord,
  now: Date,
  entryId: string,
): DomainEvent<FundsCredited> | DomainEvent<FundsDebited> {
  // The wallet's tenant, not the caller's: a platform service account moves funds in any tenant.
  const { tenant } = wallet;
  if (command.currency !== undefined && command.currency !== wallet.currency) {
    throw validationError([{ field: 'body.currency', message: `must be the wallet's currency ${wallet.currency}` }]);
  }
  const common = {
    walletId: wallet.walletId,
    entryId,
    tenantId: tenant,
    amountMinor: command.amountMinor,
    currency: wallet.currency,
    reference: command.reference,
  };
  return direction === 'credit'
    ? { type: 'thalweg.ledger.FundsCredited', subject: wallet.walletId, tenant, data: { ...common, creditedAt: now } }
    : { type: 'thalweg.ledger.FundsDebited', subject: wallet.walletId, tenant, data: { ...common, debitedAt: now } };
}
