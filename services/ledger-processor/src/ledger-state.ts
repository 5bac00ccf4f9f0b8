import type { Position } from '@thalweg/platform/schemas';

/** A wallet as the ledger processor holds it: what decisions need, nothing more. */
export interface WalletState {
  walletId: string;
  tenantId: string;
  ownerId: string;
  currency: string;
  balanceMinor: number;
  /** Events applied to the wallet's balance: the opening is 1, each entry adds 1 (as in the ledger projection). */
  version: number;
}

/** A transfer whose source has been debited and whose destination has not answered yet. */
export interface TransferState {
  transferId: string;
  commandId: string;
  sourceWalletId: string;
  destinationWalletId: string;
  tenantId: string;
  amountMinor: number;
  currency: string;
  reference: string;
  requestedAt: number; // ms since the epoch
  /** Where the RequestTransfer command sits, for its outcome. */
  commandPosition: Position;
  /** Where the debit's events landed, for the outcome once the transfer ends. */
  debitPositions: Position[];
}

/** That a command id was decided (its outcome is on the log), so a command seen again changes nothing. */
export interface CommandRecord {
  outcome: 'accepted' | 'rejected' | 'pending';
}

/** The state keys of one partition (all of them hold JSON). */
export const stateKeys = {
  wallet: (walletId: string) => `wallet:${walletId}`,
  transfer: (transferId: string) => `transfer:${transferId}`,
  command: (commandId: string) => `command:${commandId}`,
  /** Set once a transfer's destination has decided its credit. */
  transferCredit: (transferId: string) => `transfer-credit:${transferId}`,
};
