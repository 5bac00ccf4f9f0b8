import type { CompleteTransfer, CreditFunds, CreditTransfer, DebitFunds, FundsCredited, FundsDebited, OpenWallet, RejectionReason, RequestTransfer, TransferRejected, TransferRequested, TransferSettled, WalletOpened } from '@thalweg/platform/schemas';

/** The commands the ledger decides: from clients (through command-api) and a transfer's own steps. */
export type LedgerCommand =
  | { type: 'thalweg.ledger.OpenWallet'; data: OpenWallet }
  | { type: 'thalweg.ledger.CreditFunds'; data: CreditFunds }
  | { type: 'thalweg.ledger.DebitFunds'; data: DebitFunds }
  | { type: 'thalweg.ledger.RequestTransfer'; data: RequestTransfer }
  | { type: 'thalweg.ledger.CreditTransfer'; data: CreditTransfer }
  | { type: 'thalweg.ledger.CompleteTransfer'; data: CompleteTransfer };

/** The commands a client sends; each gets exactly one outcome. */
export type ClientCommand = Extract<LedgerCommand, { type: 'thalweg.ledger.OpenWallet' | 'thalweg.ledger.CreditFunds' | 'thalweg.ledger.DebitFunds' | 'thalweg.ledger.RequestTransfer' }>;

export const clientCommandTypes = new Set<string>(['thalweg.ledger.OpenWallet', 'thalweg.ledger.CreditFunds', 'thalweg.ledger.DebitFunds', 'thalweg.ledger.RequestTransfer']);
export const ledgerCommandTypes = new Set<string>([...clientCommandTypes, 'thalweg.ledger.CreditTransfer', 'thalweg.ledger.CompleteTransfer']);

/** The events on ledger.wallets.v1. */
export type LedgerEvent =
  | { type: 'thalweg.ledger.WalletOpened'; data: WalletOpened }
  | { type: 'thalweg.ledger.FundsCredited'; data: FundsCredited }
  | { type: 'thalweg.ledger.FundsDebited'; data: FundsDebited }
  | { type: 'thalweg.ledger.TransferRequested'; data: TransferRequested }
  | { type: 'thalweg.ledger.TransferSettled'; data: TransferSettled }
  | { type: 'thalweg.ledger.TransferRejected'; data: TransferRejected };

export interface Rejection {
  reason: RejectionReason;
  detail: string;
}

/** What deciding a command against its wallet gives: the events that happen, or why none do. */
export type Verdict = { kind: 'accepted'; events: LedgerEvent[] } | { kind: 'rejected'; rejection: Rejection };
