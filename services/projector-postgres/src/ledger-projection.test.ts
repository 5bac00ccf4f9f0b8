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
  const [operation] = ledgerProjection(event('thalweg.ledger.FundsCredited', { ...movement, creditedAt: at }));
  assert.match(operation!.text, /balance_minor = balance_minor \+ \$4/);
  assert.match(operation!.text, /tenant_id = \$3 AND currency = \$5/);
  assert.doesNotMatch(operation!.text, /balance_minor >= \$4/);
  assert.deepEqual(operation!.values!.slice(-3), ['ledger.wallets.v1', 1, '7']);
});

test('a debit lowers the balance only when funds suffice, else the event is rejected', () => {
  const [operation] = ledgerProjection(event('thalweg.ledger.FundsDebited', { ...movement, debitedAt: at }));
  assert.match(operation!.text, /balance_minor = balance_minor - \$4/);
  assert.match(operation!.text, /AND balance_minor >= \$4/);
  assert.match(operation!.expect!.otherwise, /insufficient/);
});

test('an event type the ledger does not know is rejected', () => {
  assert.throws(() => ledgerProjection(event('thalweg.identity.UserRegistered', {})), (error: Error & { code?: string }) => error.code === 'THALWEG_EVENT_REJECTED');
});
