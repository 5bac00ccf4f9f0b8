import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_AVRO_LONG_NUMBER } from '@thalweg/platform/schemas';
import { decide, transferEntryId } from './decide.ts';
import { evolve } from './evolve.ts';
import type { LedgerCommand, Verdict } from './ledger-commands.ts';
import type { TransferState, WalletState } from './ledger-state.ts';

const at = new Date('2026-12-01T10:00:00Z');
const wallet = (overrides: Partial<WalletState> = {}): WalletState => ({ walletId: 'w-1', tenantId: 'acme', ownerId: 'o', currency: 'EUR', balanceMinor: 1_000, version: 3, ...overrides });
const movement = { commandId: 'c-1', walletId: 'w-1', entryId: 'e-1', tenantId: 'acme', amountMinor: 400, currency: null, reference: 'r', requestedAt: at };
const reasonOf = (verdict: Verdict) => (verdict.kind === 'rejected' ? verdict.rejection.reason : 'accepted');

test('opening a wallet: accepted once, an existing id is refused', () => {
  const open: LedgerCommand = { type: 'thalweg.ledger.OpenWallet', data: { commandId: 'c', walletId: 'w-1', ownerId: 'o', tenantId: 'acme', currency: 'EUR', requestedAt: at } };
  assert.deepEqual(decide({}, open), { kind: 'accepted', events: [{ type: 'thalweg.ledger.WalletOpened', data: { walletId: 'w-1', ownerId: 'o', tenantId: 'acme', currency: 'EUR', openedAt: at } }] });
  assert.equal(reasonOf(decide({ wallet: wallet() }, open)), 'THALWEG_WALLET_EXISTS');
});

test('a credit takes the wallet currency and time of the command; an unknown wallet, another tenant or currency is refused', () => {
  const credit: LedgerCommand = { type: 'thalweg.ledger.CreditFunds', data: movement };
  const verdict = decide({ wallet: wallet() }, credit);
  assert.deepEqual(verdict, { kind: 'accepted', events: [{ type: 'thalweg.ledger.FundsCredited', data: { walletId: 'w-1', entryId: 'e-1', tenantId: 'acme', amountMinor: 400, currency: 'EUR', reference: 'r', creditedAt: at, transferId: null } }] });
  assert.equal(reasonOf(decide({}, credit)), 'THALWEG_WALLET_UNKNOWN');
  assert.equal(reasonOf(decide({ wallet: wallet({ tenantId: 'globex' }) }, credit)), 'THALWEG_WALLET_UNKNOWN', "another tenant's wallet is as unknown");
  assert.equal(reasonOf(decide({ wallet: wallet() }, { ...credit, data: { ...movement, currency: 'USD' } })), 'THALWEG_CURRENCY_MISMATCH');
  assert.equal(reasonOf(decide({ wallet: wallet() }, { ...credit, data: { ...movement, amountMinor: 0 } })), 'THALWEG_AMOUNT_INVALID');
  assert.equal(reasonOf(decide({ wallet: wallet({ balanceMinor: MAX_AVRO_LONG_NUMBER - 399 }) }, credit)), 'THALWEG_AMOUNT_INVALID', 'a balance never passes what an Avro long carries');
  assert.equal(decide({ wallet: wallet({ balanceMinor: MAX_AVRO_LONG_NUMBER - 400 }) }, credit).kind, 'accepted', 'up to it exactly');
});

test('a debit never takes the balance below zero', () => {
  const debit = (amountMinor: number): LedgerCommand => ({ type: 'thalweg.ledger.DebitFunds', data: { ...movement, amountMinor } });
  assert.equal(reasonOf(decide({ wallet: wallet() }, debit(1_000))), 'accepted', 'down to exactly zero');
  assert.equal(reasonOf(decide({ wallet: wallet() }, debit(1_001))), 'THALWEG_INSUFFICIENT_FUNDS');
  assert.equal(reasonOf(decide({ wallet: wallet() }, { type: 'thalweg.ledger.DebitFunds', data: { ...movement, amountMinor: 5, currency: 'EUR' } })), 'accepted', 'the expected currency, named');
});

test('a transfer debits its source, linked by the transfer id; it needs two wallets and the funds', () => {
  const request = (overrides = {}): LedgerCommand => ({
    type: 'thalweg.ledger.RequestTransfer',
    data: { commandId: 'c', transferId: 't-1', sourceWalletId: 'w-1', destinationWalletId: 'w-2', tenantId: 'acme', amountMinor: 300, currency: null, reference: 'rent', requestedAt: at, ...overrides },
  });
  const verdict = decide({ wallet: wallet() }, request());
  assert.equal(verdict.kind, 'accepted');
  const [requested, debited] = verdict.kind === 'accepted' ? verdict.events : [];
  assert.equal(requested!.type, 'thalweg.ledger.TransferRequested');
  assert.deepEqual(debited, { type: 'thalweg.ledger.FundsDebited', data: { walletId: 'w-1', entryId: transferEntryId('t-1', 'debit'), tenantId: 'acme', amountMinor: 300, currency: 'EUR', reference: 'rent', debitedAt: at, transferId: 't-1' } });
  assert.equal(reasonOf(decide({ wallet: wallet() }, request({ destinationWalletId: 'w-1' }))), 'THALWEG_TRANSFER_INVALID');
  assert.equal(reasonOf(decide({ wallet: wallet() }, request({ amountMinor: 5_000 }))), 'THALWEG_INSUFFICIENT_FUNDS');
  assert.equal(reasonOf(decide({ wallet: wallet() }, request({ currency: 'GBP' }))), 'THALWEG_CURRENCY_MISMATCH');
});

test("a transfer's credit needs a destination of the tenant and currency; completing settles, or returns the money", () => {
  const step = { transferId: 't-1', commandId: 'c', sourceWalletId: 'w-1', destinationWalletId: 'w-2', tenantId: 'acme', amountMinor: 300, currency: 'EUR', reference: 'rent', requestedAt: at };
  const credit: LedgerCommand = { type: 'thalweg.ledger.CreditTransfer', data: step };
  assert.equal(reasonOf(decide({ wallet: wallet({ walletId: 'w-2' }) }, credit)), 'accepted');
  assert.equal(reasonOf(decide({}, credit)), 'THALWEG_WALLET_UNKNOWN');
  assert.equal(reasonOf(decide({ wallet: wallet({ walletId: 'w-2', currency: 'USD' }) }, credit)), 'THALWEG_CURRENCY_MISMATCH');

  const transfer: TransferState = { ...step, requestedAt: at.getTime(), commandPosition: { topic: 'c', partition: 0, offset: 1 }, debitPositions: [] };
  const complete = (credited: boolean): LedgerCommand => ({
    type: 'thalweg.ledger.CompleteTransfer',
    data: { transferId: 't-1', commandId: 'c', sourceWalletId: 'w-1', destinationWalletId: 'w-2', tenantId: 'acme', credited, reason: credited ? null : 'THALWEG_WALLET_UNKNOWN', detail: null, creditPositions: [], requestedAt: at },
  });
  const settled = decide({ wallet: wallet(), transfer }, complete(true));
  assert.deepEqual(settled.kind === 'accepted' && settled.events.map((event) => event.type), ['thalweg.ledger.TransferSettled']);
  const returned = decide({ wallet: wallet(), transfer }, complete(false));
  assert.deepEqual(returned.kind === 'accepted' && returned.events.map((event) => event.type), ['thalweg.ledger.FundsCredited', 'thalweg.ledger.TransferRejected']);
  const refund = returned.kind === 'accepted' ? returned.events[0]! : undefined;
  assert.equal(refund?.type === 'thalweg.ledger.FundsCredited' && refund.data.amountMinor, 300, 'the whole amount goes back');
  assert.equal(reasonOf(decide({ wallet: wallet() }, complete(true))), 'THALWEG_TRANSFER_INVALID', 'no pending transfer');
});

test('evolve: an opening starts at version 1, entries move the balance and the version, transfer events neither', () => {
  let state = evolve(undefined, { type: 'thalweg.ledger.WalletOpened', data: { walletId: 'w', ownerId: 'o', tenantId: 'acme', currency: 'EUR', openedAt: at } });
  assert.deepEqual(state, { walletId: 'w', tenantId: 'acme', ownerId: 'o', currency: 'EUR', balanceMinor: 0, version: 1 });
  state = evolve(state, { type: 'thalweg.ledger.FundsCredited', data: { ...movement, walletId: 'w', currency: 'EUR', creditedAt: at, transferId: null } });
  state = evolve(state, { type: 'thalweg.ledger.FundsDebited', data: { ...movement, walletId: 'w', amountMinor: 150, currency: 'EUR', debitedAt: at, transferId: null } });
  const transferData = { transferId: 't', sourceWalletId: 'w', destinationWalletId: 'x', tenantId: 'acme', amountMinor: 1, currency: 'EUR' };
  state = evolve(state, { type: 'thalweg.ledger.TransferSettled', data: { ...transferData, settledAt: at } });
  assert.deepEqual(state, { walletId: 'w', tenantId: 'acme', ownerId: 'o', currency: 'EUR', balanceMinor: 250, version: 3 });
  assert.equal(evolve(undefined, { type: 'thalweg.ledger.FundsCredited', data: { ...movement, currency: 'EUR', creditedAt: at, transferId: null } }), undefined, 'no wallet, nothing to move');
});
