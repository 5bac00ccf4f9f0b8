import type { DomainEvent } from '@thalweg/platform/events';
import type { CreditFunds, DebitFunds, OpenWallet, RequestTransfer } from '@thalweg/platform/schemas';
import type { WalletRecord } from './wallet-directory.ts';

/** Pure builders: a validated request and what is known become the ledger command to publish. */

export interface OpenWalletRequest {
  walletId?: string;
  ownerId: string;
  currency: string;
}

export interface MovementRequest {
  amountMinor: number;
  currency?: string;
  reference: string;
}

export interface TransferRequest extends MovementRequest {
  destinationWalletId: string;
}

/** The wallet's id is the command's unless the request names one. */
export function openWalletCommand(request: OpenWalletRequest, tenant: string, now: Date, commandId: string): DomainEvent<OpenWallet> {
  const walletId = request.walletId ?? commandId;
  return {
    type: 'thalweg.ledger.OpenWallet',
    subject: walletId,
    tenant,
    data: { commandId, walletId, ownerId: request.ownerId, tenantId: tenant, currency: request.currency, requestedAt: now },
  };
}

/**
 * A credit or debit in the wallet's tenant, not the caller's: a platform service account moves
 * funds in any tenant. The currency, when given, is the one the caller expects: the ledger
 * processor refuses another. The entry takes the command's id.
 */
export function movementCommand(direction: 'credit' | 'debit', request: MovementRequest, wallet: WalletRecord, now: Date, commandId: string): DomainEvent<CreditFunds> | DomainEvent<DebitFunds> {
  const data = {
    commandId,
    walletId: wallet.walletId,
    entryId: commandId,
    tenantId: wallet.tenant,
    amountMinor: request.amountMinor,
    currency: request.currency ?? null,
    reference: request.reference,
    requestedAt: now,
  };
  return direction === 'credit'
    ? { type: 'thalweg.ledger.CreditFunds', subject: wallet.walletId, tenant: wallet.tenant, data }
    : { type: 'thalweg.ledger.DebitFunds', subject: wallet.walletId, tenant: wallet.tenant, data };
}

/** A transfer from the source wallet, keyed by it; the transfer takes the command's id. */
export function transferCommand(request: TransferRequest, source: WalletRecord, now: Date, commandId: string): DomainEvent<RequestTransfer> {
  return {
    type: 'thalweg.ledger.RequestTransfer',
    subject: source.walletId,
    tenant: source.tenant,
    data: {
      commandId,
      transferId: commandId,
      sourceWalletId: source.walletId,
      destinationWalletId: request.destinationWalletId,
      tenantId: source.tenant,
      amountMinor: request.amountMinor,
      currency: request.currency ?? null,
      reference: request.reference,
      requestedAt: now,
    },
  };
}
