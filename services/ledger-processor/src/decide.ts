import { derivedUuid } from '@thalweg/platform/events';
import { MAX_AVRO_LONG_NUMBER, type RejectionReason } from '@thalweg/platform/schemas';
import type { LedgerCommand, Verdict } from './ledger-commands.ts';
import type { TransferState, WalletState } from './ledger-state.ts';

/** What a decision reads: the wallet the command is keyed by and, for a transfer's last step, the transfer. */
export interface DecisionState {
  wallet?: WalletState;
  transfer?: TransferState;
}

const reject = (reason: RejectionReason, detail: string): Verdict => ({ kind: 'rejected', rejection: { reason, detail } });

/** The entry ids of a transfer's legs, derived from its id so a replay names the same entries. */
export const transferEntryId = (transferId: string, leg: 'debit' | 'credit' | 'return') => derivedUuid('transfer', transferId, leg);

/** The wallet, when it exists and belongs to the tenant the command names; another tenant's is as unknown. */
function walletOf(state: DecisionState, walletId: string, tenantId: string): WalletState | undefined {
  const { wallet } = state;
  return wallet && wallet.walletId === walletId && wallet.tenantId === tenantId ? wallet : undefined;
}

/** Checks shared by every movement: the wallet, the currency expected, the amount. */
function movementProblem(wallet: WalletState | undefined, { walletId, amountMinor, currency }: { walletId: string; amountMinor: number; currency: string | null }): Verdict | undefined {
  if (!wallet) return reject('THALWEG_WALLET_UNKNOWN', `wallet ${walletId} does not exist`);
  if (currency !== null && currency !== wallet.currency) return reject('THALWEG_CURRENCY_MISMATCH', `wallet ${walletId} holds ${wallet.currency}, not ${currency}`);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > MAX_AVRO_LONG_NUMBER) return reject('THALWEG_AMOUNT_INVALID', `amount ${amountMinor} is not a positive whole number of minor units`);
  return undefined;
}

function credit(wallet: WalletState, amountMinor: number): Verdict | undefined {
  if (wallet.balanceMinor + amountMinor > MAX_AVRO_LONG_NUMBER) return reject('THALWEG_AMOUNT_INVALID', `wallet ${wallet.walletId} cannot hold more than ${MAX_AVRO_LONG_NUMBER} minor units`);
  return undefined;
}

function debit(wallet: WalletState, amountMinor: number): Verdict | undefined {
  if (wallet.balanceMinor < amountMinor) return reject('THALWEG_INSUFFICIENT_FUNDS', `wallet ${wallet.walletId} holds ${wallet.balanceMinor} ${wallet.currency}, less than ${amountMinor}`);
  return undefined;
}

/**
 * Decides one ledger command against the state it is keyed by: a pure function, so the same
 * command and state always give the same verdict, and replaying the accepted commands rebuilds
 * the ledger (the processor's tests do exactly that). Events take the command's time.
 */
export function decide(state: DecisionState, command: LedgerCommand): Verdict {
  switch (command.type) {
    case 'thalweg.ledger.OpenWallet': {
      const { walletId, ownerId, tenantId, currency, requestedAt } = command.data;
      if (state.wallet) return reject('THALWEG_WALLET_EXISTS', `wallet ${walletId} already exists`);
      return { kind: 'accepted', events: [{ type: 'thalweg.ledger.WalletOpened', data: { walletId, ownerId, tenantId, currency, openedAt: requestedAt } }] };
    }
    case 'thalweg.ledger.CreditFunds': {
      const { walletId, entryId, tenantId, amountMinor, reference, requestedAt } = command.data;
      const wallet = walletOf(state, walletId, tenantId);
      const problem = movementProblem(wallet, command.data) ?? credit(wallet!, amountMinor);
      if (problem) return problem;
      return { kind: 'accepted', events: [{ type: 'thalweg.ledger.FundsCredited', data: { walletId, entryId, tenantId, amountMinor, currency: wallet!.currency, reference, creditedAt: requestedAt, transferId: null } }] };
    }
    case 'thalweg.ledger.DebitFunds': {
      const { walletId, entryId, tenantId, amountMinor, reference, requestedAt } = command.data;
      const wallet = walletOf(state, walletId, tenantId);
      const problem = movementProblem(wallet, command.data) ?? debit(wallet!, amountMinor);
      if (problem) return problem;
      return { kind: 'accepted', events: [{ type: 'thalweg.ledger.FundsDebited', data: { walletId, entryId, tenantId, amountMinor, currency: wallet!.currency, reference, debitedAt: requestedAt, transferId: null } }] };
    }
    case 'thalweg.ledger.RequestTransfer': {
      const { transferId, sourceWalletId, destinationWalletId, tenantId, amountMinor, reference, requestedAt } = command.data;
      const source = walletOf(state, sourceWalletId, tenantId);
      if (sourceWalletId === destinationWalletId) return reject('THALWEG_TRANSFER_INVALID', 'a transfer needs two different wallets');
      const problem = movementProblem(source, { ...command.data, walletId: sourceWalletId }) ?? debit(source!, amountMinor);
      if (problem) return problem;
      const { currency } = source!;
      return {
        kind: 'accepted',
        events: [
          { type: 'thalweg.ledger.TransferRequested', data: { transferId, sourceWalletId, destinationWalletId, tenantId, amountMinor, currency, reference, requestedAt } },
          { type: 'thalweg.ledger.FundsDebited', data: { walletId: sourceWalletId, entryId: transferEntryId(transferId, 'debit'), tenantId, amountMinor, currency, reference, debitedAt: requestedAt, transferId } },
        ],
      };
    }
    case 'thalweg.ledger.CreditTransfer': {
      const { transferId, destinationWalletId, tenantId, amountMinor, currency, reference, requestedAt } = command.data;
      const destination = walletOf(state, destinationWalletId, tenantId);
      const problem = movementProblem(destination, { walletId: destinationWalletId, amountMinor, currency }) ?? credit(destination!, amountMinor);
      if (problem) return problem;
      return { kind: 'accepted', events: [{ type: 'thalweg.ledger.FundsCredited', data: { walletId: destinationWalletId, entryId: transferEntryId(transferId, 'credit'), tenantId, amountMinor, currency, reference, creditedAt: requestedAt, transferId } }] };
    }
    case 'thalweg.ledger.CompleteTransfer': {
      const { transferId, credited, reason, detail, requestedAt } = command.data;
      const { transfer } = state;
      if (!transfer || transfer.transferId !== transferId) return reject('THALWEG_TRANSFER_INVALID', `transfer ${transferId} is not pending here`);
      const { sourceWalletId, destinationWalletId, tenantId, amountMinor, currency } = transfer;
      const common = { transferId, sourceWalletId, destinationWalletId, tenantId, amountMinor, currency };
      if (credited) return { kind: 'accepted', events: [{ type: 'thalweg.ledger.TransferSettled', data: { ...common, settledAt: requestedAt } }] };
      // The money goes back to the source before the transfer is marked rejected.
      return {
        kind: 'accepted',
        events: [
          { type: 'thalweg.ledger.FundsCredited', data: { walletId: sourceWalletId, entryId: transferEntryId(transferId, 'return'), tenantId, amountMinor, currency, reference: `transfer ${transferId} returned`, creditedAt: requestedAt, transferId } },
          { type: 'thalweg.ledger.TransferRejected', data: { ...common, reason: reason ?? 'THALWEG_COMMAND_REJECTED', detail: detail ?? 'the destination could not be credited', rejectedAt: requestedAt } },
        ],
      };
    }
  }
}
