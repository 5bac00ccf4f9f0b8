import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@thalweg/platform/testing';
import { evolve, walletOfEvent } from './evolve.ts';
import type { LedgerEvent } from './ledger-commands.ts';
import type { WalletState } from './ledger-state.ts';
import { createLedgerFixture } from './testing/ledger-fixture.ts';

/** The wallets the events build, folded with `evolve`; a balance going below zero fails the test. */
function fold(events: LedgerEvent[]): Map<string, WalletState> {
  const wallets = new Map<string, WalletState>();
  for (const event of events) {
    const next = evolve(wallets.get(walletOfEvent(event)), event);
    if (!next) continue;
    assert.ok(next.balanceMinor >= 0, `wallet ${next.walletId} went below zero`);
    wallets.set(next.walletId, next);
  }
  return wallets;
}

test('50 concurrent debits of 100 on a balance of 1000: exactly 10 accepted, 40 refused, balance 0', async (t) => {
  const f = await createLedgerFixture(t);
  const walletId = crypto.randomUUID();
  await f.start();
  const opened = await f.commandsOf.open(walletId);
  await f.commandsOf.move('credit', walletId, 1_000);
  const debits = await Promise.all(Array.from({ length: 50 }, () => f.commandsOf.move('debit', walletId, 100)));
  assert.ok(debits.every((position) => position.partition === opened.partition), 'one wallet, one partition');
  const outcomes = await f.outcomesOf(debits.map((debit) => debit.commandId));
  assert.equal(outcomes.length, 50, 'one outcome per command');
  const debitIds = new Set(debits.map((debit) => debit.commandId));
  const outcomePartitions = new Set(f.outcomeList.filter((entry) => debitIds.has(String(entry.data.commandId))).map((entry) => entry.partition));
  assert.deepEqual([...outcomePartitions], [opened.partition], "a wallet's outcomes on its commands' partition (keyed by the wallet)");
  const count = (outcome: string, reason: string | null) => outcomes.filter((entry) => entry.outcome === outcome && entry.reason === reason).length;
  assert.deepEqual({ accepted: count('accepted', null), refused: count('rejected', 'THALWEG_INSUFFICIENT_FUNDS') }, { accepted: 10, refused: 40 });
  await waitFor(() => fold(f.ledgerEvents()).get(walletId)?.version === 12, { description: 'the accepted entries on the log' });
  assert.deepEqual(fold(f.ledgerEvents()).get(walletId), { walletId, tenantId: 'acme', ownerId: 'owner', currency: 'EUR', balanceMinor: 0, version: 12 });
});

test('a transfer debits the source and credits the destination, linked by its id, and ends settled with every position', async (t) => {
  const f = await createLedgerFixture(t);
  const [source, destination] = [crypto.randomUUID(), crypto.randomUUID()];
  await f.start();
  for (const walletId of [source, destination]) await f.commandsOf.open(walletId);
  await f.commandsOf.move('credit', source, 500);
  const transfer = await f.commandsOf.transfer(source, destination, 200);
  const [outcome] = await f.outcomesOf([transfer.commandId]);
  assert.equal(outcome!.outcome, 'accepted');
  assert.equal(outcome!.commandType, 'thalweg.ledger.RequestTransfer');
  assert.deepEqual({ ...outcome!.command }, { topic: f.commands, partition: transfer.partition, offset: Number(transfer.offset) });
  assert.equal(f.outcomeList.find((entry) => entry.data.commandId === transfer.commandId)!.partition, transfer.partition, "the outcome on the source's partition");
  await waitFor(() => fold(f.ledgerEvents()).get(destination)?.balanceMinor === 200, { description: 'the destination credited' });
  const wallets = fold(f.ledgerEvents());
  assert.deepEqual([wallets.get(source)!.balanceMinor, wallets.get(destination)!.balanceMinor], [300, 200]);
  const transferIdOf = (event: LedgerEvent) => (event.data as { transferId?: string | null }).transferId;
  const transferId = transferIdOf(f.ledgerEvents().find((event) => event.type === 'thalweg.ledger.TransferRequested' && event.data.sourceWalletId === source)!);
  const legs = () => f.ledgerEvents().filter((event) => transferIdOf(event) === transferId).map((event) => event.type).sort();
  // The outcome and the settlement commit together; the reader of the events may see them a moment apart.
  await waitFor(() => legs().length === 4, { description: "the transfer's four events read back" });
  assert.deepEqual(legs(), ['thalweg.ledger.FundsCredited', 'thalweg.ledger.FundsDebited', 'thalweg.ledger.TransferRequested', 'thalweg.ledger.TransferSettled']);
  assert.equal(outcome!.positions.length, 4, 'request, debit, credit and settlement');
  assert.ok(outcome!.positions.every((position) => position.topic === f.events));
});

test('a transfer whose destination cannot be credited is rejected with the money returned to the source', async (t) => {
  const f = await createLedgerFixture(t);
  const [source, dollars, otherTenant] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  await f.start();
  await f.commandsOf.open(source);
  await f.commandsOf.open(dollars, { currency: 'USD' });
  await f.commandsOf.open(otherTenant, { tenantId: 'globex' });
  await f.commandsOf.move('credit', source, 500);
  const toDollars = await f.commandsOf.transfer(source, dollars, 100);
  const toOtherTenant = await f.commandsOf.transfer(source, otherTenant, 100);
  const toNowhere = await f.commandsOf.transfer(source, crypto.randomUUID(), 100);
  const tooMuch = await f.commandsOf.transfer(source, dollars, 10_000);
  const reasons = new Map((await f.outcomesOf([toDollars, toOtherTenant, toNowhere, tooMuch].map((command) => command.commandId))).map((outcome) => [outcome.commandId, `${outcome.outcome} ${outcome.reason}`]));
  assert.deepEqual([toDollars, toOtherTenant, toNowhere, tooMuch].map((command) => reasons.get(command.commandId)), [
    'rejected THALWEG_CURRENCY_MISMATCH',
    'rejected THALWEG_WALLET_UNKNOWN',
    'rejected THALWEG_WALLET_UNKNOWN',
    'rejected THALWEG_INSUFFICIENT_FUNDS',
  ]);
  await waitFor(() => f.ledgerEvents().filter((event) => event.type === 'thalweg.ledger.TransferRejected').length === 3, { description: 'three transfers rejected after their debit' });
  const wallets = fold(f.ledgerEvents());
  assert.equal(wallets.get(source)!.balanceMinor, 500, 'every debited amount came back');
  assert.equal(wallets.get(source)!.version, 1 + 1 + 3 * 2, 'opening, credit, and a debit and its return per rejected transfer');
  assert.equal(wallets.get(dollars)!.balanceMinor, 0);
  assert.equal(wallets.get(otherTenant)!.balanceMinor, 0);
});

test('a command id seen before gets its one outcome and no second effect', async (t) => {
  const f = await createLedgerFixture(t);
  const walletId = crypto.randomUUID();
  await f.start();
  await f.commandsOf.open(walletId);
  const commandId = crypto.randomUUID();
  // A publish that timed out but landed, retried: the same command twice on the log.
  const first = await f.commandsOf.move('credit', walletId, 70, { commandId });
  const second = await f.commandsOf.move('credit', walletId, 70, { commandId });
  assert.notEqual(first.offset, second.offset);
  const reopened = await f.commandsOf.open(walletId);
  const after = await f.commandsOf.move('credit', walletId, 1);
  await f.outcomesOf([after.commandId, reopened.commandId]);
  assert.equal(f.outcomeList.filter((entry) => entry.data.commandId === commandId).length, 1, 'one outcome');
  assert.equal((await f.outcomesOf([reopened.commandId]))[0]!.reason, 'THALWEG_WALLET_EXISTS');
  await waitFor(() => fold(f.ledgerEvents()).get(walletId)?.balanceMinor === 71, { description: 'the later credit applied' });
  assert.equal(fold(f.ledgerEvents()).get(walletId)!.version, 3, 'credited once');
});
