import type { LedgerEvent } from './ledger-commands.ts';
import type { WalletState } from './ledger-state.ts';

/**
 * The wallet after one of its events: a pure function. An opening creates it, each entry moves
 * its balance and version; a transfer's own events change no balance (its entries do).
 */
export function evolve(wallet: WalletState | undefined, event: LedgerEvent): WalletState | undefined {
  switch (event.type) {
    case 'thalweg.ledger.WalletOpened': {
      const { walletId, tenantId, ownerId, currency } = event.data;
      return { walletId, tenantId, ownerId, currency, balanceMinor: 0, version: 1 };
    }
    case 'thalweg.ledger.FundsCredited':
      return wallet && { ...wallet, balanceMinor: wallet.balanceMinor + event.data.amountMinor, version: wallet.version + 1 };
    case 'thalweg.ledger.FundsDebited':
      return wallet && { ...wallet, balanceMinor: wallet.balanceMinor - event.data.amountMinor, version: wallet.version + 1 };
    case 'thalweg.ledger.TransferRequested':
    case 'thalweg.ledger.TransferSettled':
    case 'thalweg.ledger.TransferRejected':
      return wallet;
  }
}

/** The event's wallet: whose balance and version it moves. */
export function walletOfEvent(event: LedgerEvent): string {
  switch (event.type) {
    case 'thalweg.ledger.WalletOpened':
    case 'thalweg.ledger.FundsCredited':
    case 'thalweg.ledger.FundsDebited':
      return event.data.walletId;
    default:
      return event.data.sourceWalletId;
  }
}
