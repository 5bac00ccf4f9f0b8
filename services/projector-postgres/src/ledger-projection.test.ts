import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectedEvent } from '@thalweg/platform/projection';
import { ledgerProjection } from './ledger-projection.ts';

function event(type: string, data: Record<string, unknown>): ProjectedEvent {
  return {
    topic: 'ledger.wallets.v1',
    partition: 1,
    offset: '7',
    key: 'w',
    schemaId: 1,
    data,
    metadata: { id: 'e-1', type, source: '/test', subject: 'w', time: new Date(0), tenant: 'acme', correlationId: 'e-1', traceparent: '' },
  };
}
const at = new Date('2026-01-01T00:00:00Z');
const movement = { walletId: 'w', entryId: 'n', tenantId: 'acme', amountMinor: 250, currency: 'EUR', reference: 'r' };

test('WalletOpened inserts the wallet once, and a second opening is rejected', () => {
  const [operation] = ledgerProjection(event('thalweg.ledger.WalletOpened', { walletId: 'w', ownerId: 'o', tenantId: 'acme', currency: 'EUR', openedAt: at }));
  assert.match(operation!.text, /INSERT INTO wallets/);
  assert.match(operation!.text, /ON CONFLICT \(wallet_id\) DO NOTHING/);
  assert.deepEqual(operation!.values, ['w', 'acme', 'o', 'EUR', at]);
  assert.equal(operation!.expect?.rowCount, 1);
});

test('a credit raises the balance within tenant and currency and records its source position', () => {
  const [operation] = ledgerProjection(event('thalweg.ledger.FundsCredited', { ...movement, creditedAt: at, transferId: null }));
  assert.match(operation!.text, /balance_minor = balance_minor \+ \$4/);
  assert.match(operation!.text, /tenant_id = \$3 AND currency = \$5/);
  assert.doesNotMatch(operation!.text, /balance_minor >= \$4/);
  assert.deepEqual(operation!.values!.slice(-4), ['ledger.wallets.v1', 1, '7', null]);
});

test('a debit lowers the balance: the processor decided that funds suffice', () => {
  const [operation] = ledgerProjection(event('thalweg.ledger.FundsDebited', { ...movement, debitedAt: at, transferId: null }));
  assert.match(operation!.text, /balance_minor = balance_minor - \$4/);
  assert.doesNotMatch(operation!.text, /balance_minor >= \$4/);
  assert.match(operation!.expect!.otherwise, /unknown or in another currency/);
});

test("a transfer's entries carry its id, and its row goes from requested to settled or rejected once", () => {
  const [credit] = ledgerProjection(event('thalweg.ledger.FundsCredited', { ...movement, creditedAt: at, transferId: 't-1' }));
  assert.equal(credit!.values!.at(-1), 't-1');
  const transfer = { transferId: 't-1', tenantId: 'acme', sourceWalletId: 'w', destinationWalletId: 'v', amountMinor: 5, currency: 'EUR' };
  const [requested] = ledgerProjection(event('thalweg.ledger.TransferRequested', { ...transfer, reference: 'r', requestedAt: at }));
  assert.match(requested!.text, /INSERT INTO transfers .* ON CONFLICT \(transfer_id\) DO NOTHING/s);
  const [settled] = ledgerProjection(event('thalweg.ledger.TransferSettled', { ...transfer, settledAt: at }));
  assert.deepEqual(settled!.values, ['t-1', 'settled', null, at]);
  assert.match(settled!.text, /AND status = 'requested'/);
  const [rejected] = ledgerProjection(event('thalweg.ledger.TransferRejected', { ...transfer, reason: 'THALWEG_WALLET_UNKNOWN', detail: 'd', rejectedAt: at }));
  assert.deepEqual(rejected!.values, ['t-1', 'rejected', 'THALWEG_WALLET_UNKNOWN', at]);
});

test('an event type the ledger does not know is rejected', () => {
  assert.throws(() => ledgerProjection(event('thalweg.identity.UserRegistered', {})), (error: Error & { code?: string }) => error.code === 'THALWEG_EVENT_REJECTED');
});
