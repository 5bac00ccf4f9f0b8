import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectedEvent } from '@thalweg/platform/projection';
import { ledgerBatchProjection } from './ledger-batch-projection.ts';

function event(type: string, data: Record<string, unknown>, offset = '7'): ProjectedEvent {
  return {
    topic: 'ledger.wallets.v1',
    partition: 1,
    offset,
    key: 'w',
    schemaId: 1,
    data,
    metadata: { id: `e-${offset}`, type, source: '/test', subject: 'w', time: new Date(0), tenant: 'acme', correlationId: 'e', traceparent: '' },
  };
}
const at = new Date('2026-01-01T00:00:00Z');
const opened = (walletId: string) => event('thalweg.ledger.WalletOpened', { walletId, ownerId: 'o', tenantId: 'acme', currency: 'EUR', openedAt: at });
const credited = (walletId: string, amountMinor: number, offset: string) =>
  event('thalweg.ledger.FundsCredited', { walletId, entryId: `n-${offset}`, tenantId: 'acme', amountMinor, currency: 'EUR', reference: 'r', creditedAt: at, transferId: null }, offset);
const debited = (walletId: string, amountMinor: number, offset: string) =>
  event('thalweg.ledger.FundsDebited', { walletId, entryId: `n-${offset}`, tenantId: 'acme', amountMinor, currency: 'EUR', reference: 'r', debitedAt: at, transferId: 't' }, offset);
const transfer = { transferId: 't', tenantId: 'acme', sourceWalletId: 'w', destinationWalletId: 'v', amountMinor: 5, currency: 'EUR' };

test('a batch takes one statement per kind of change, whatever the number of events', () => {
  const operations = ledgerBatchProjection([
    opened('w'),
    opened('v'),
    credited('w', 10, '2'),
    debited('w', 4, '3'),
    credited('v', 1, '4'),
    event('thalweg.ledger.TransferRequested', { ...transfer, reference: 'r', requestedAt: at }),
    event('thalweg.ledger.TransferSettled', { ...transfer, settledAt: at }),
  ]);
  assert.deepEqual(
    operations.map((operation) => [operation.text.match(/^\s*(?:WITH[\s\S]*?\)\)\s*)?(INSERT INTO \w+|UPDATE \w+)/m)?.[1] ?? operation.text.slice(0, 30), operation.expect?.rowCount]),
    [['INSERT INTO wallets', 2], ['INSERT INTO wallet_entries', 3], ['INSERT INTO transfers', 1], ['UPDATE transfers', 1]],
  );
  assert.deepEqual(operations[0]!.values, [['w', 'v'], ['acme', 'acme'], ['o', 'o'], ['EUR', 'EUR'], [at, at]]);
});

test('movements keep their offset order and carry direction, source position and transfer', () => {
  const [movements] = ledgerBatchProjection([credited('w', 10, '2'), debited('w', 4, '3')]);
  const values = movements!.values as unknown[][];
  assert.deepEqual(values[3], ['credit', 'debit']);
  assert.deepEqual(values[4], [10, 4], 'amounts stay positive; the direction signs them');
  assert.deepEqual(values.slice(8).map((column) => column[1]), ['e-3', 'ledger.wallets.v1', 1, '3', 't']);
  assert.match(movements!.text, /WITH ORDINALITY/);
  assert.match(movements!.text, /PARTITION BY d\.wallet_id ORDER BY d\.position/);
  assert.match(movements!.text, /WHERE balance_after >= 0/, 'a running balance below zero is left out, so the count falls short');
  assert.match(movements!.text, /w\.tenant_id = t\.tenant_id AND w\.currency = t\.currency/);
});

test('a batch whose order the set-based statements cannot keep, or holding an event the ledger refuses, is left to the per-event path', () => {
  const refuses = (events: ProjectedEvent[]) => assert.throws(() => ledgerBatchProjection(events), (error: Error & { code?: string }) => error.code === 'THALWEG_EVENT_REJECTED');
  refuses([credited('w', 1, '1'), opened('w')]);
  const wallet = crypto.randomUUID();
  refuses([credited(wallet.toUpperCase(), 1, '1'), opened(wallet)]);
  refuses([opened('w'), opened('w')]);
  refuses([event('thalweg.ledger.TransferRejected', { ...transfer, reason: 'x', detail: 'd', rejectedAt: at }), event('thalweg.ledger.TransferRequested', { ...transfer, reference: 'r', requestedAt: at })]);
  refuses([event('thalweg.ledger.TransferRequested', { ...transfer, reference: 'r', requestedAt: at }), event('thalweg.ledger.TransferRequested', { ...transfer, reference: 'r', requestedAt: at })]);
  refuses([opened('w'), event('thalweg.identity.UserRegistered', {})]);
});

test('an opening after another wallet moved, and a request before its end, stay set-based', () => {
  const operations = ledgerBatchProjection([
    credited('v', 1, '1'),
    opened('w'),
    event('thalweg.ledger.TransferRequested', { ...transfer, reference: 'r', requestedAt: at }),
    event('thalweg.ledger.TransferRejected', { ...transfer, reason: 'THALWEG_WALLET_UNKNOWN', detail: 'd', rejectedAt: at }),
  ]);
  assert.equal(operations.length, 4);
  assert.deepEqual(operations[3]!.values, [['t'], ['rejected'], ['THALWEG_WALLET_UNKNOWN'], [at]]);
});
