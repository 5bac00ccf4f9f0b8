import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectedEvent } from '@thalweg/platform/projection';
import { searchProjection } from './search-projection.ts';

const at = new Date('2026-01-01T00:00:00Z');
const event = (type: string, data: Record<string, unknown>): ProjectedEvent =>
  ({ topic: 't', partition: 0, offset: '0', key: 'k', schemaId: 1, metadata: { id: 'e', type, source: '/test', subject: 'k', time: at, tenant: 'acme', correlationId: 'e', traceparent: '' }, data }) as ProjectedEvent;

test('a registration is a whole user document with KYC pending', () => {
  assert.deepEqual(searchProjection(event('thalweg.identity.UserRegistered', { userId: 'u1', tenantId: 'acme', email: 'j@x.test', name: 'John', country: 'FR', registeredAt: at })), [
    { kind: 'upsert', collection: 'users', document: { id: 'u1', tenant: 'acme', name: 'John', email: 'j@x.test', country: 'FR', kycState: 'pending', registeredAt: at.getTime() } },
  ]);
});

test('a profile update changes only its non-null parts, and nothing when only preferences changed', () => {
  const profile = (name: string | null, country: string | null) => event('thalweg.identity.ProfileUpdated', { userId: 'u1', tenantId: 'acme', name, country, preferences: null, updatedAt: at });
  assert.deepEqual(searchProjection(profile(null, 'BE')), [{ kind: 'update', collection: 'users', update: { id: 'u1', country: 'BE' } }]);
  assert.deepEqual(searchProjection(profile('Jo', null)), [{ kind: 'update', collection: 'users', update: { id: 'u1', name: 'Jo' } }]);
  assert.deepEqual(searchProjection(profile(null, null)), []);
});

test('a KYC step sets kycState; credits and debits are entries; a wallet opening writes nothing', () => {
  assert.deepEqual(searchProjection(event('thalweg.identity.KycStatusChanged', { userId: 'u1', tenantId: 'acme', state: 'approved', previousState: 'in_review', changedAt: at })), [
    { kind: 'update', collection: 'users', update: { id: 'u1', kycState: 'approved' } },
  ]);
  const movement = { walletId: 'w1', entryId: 'e1', tenantId: 'acme', amountMinor: 500, currency: 'EUR', reference: 'salary' };
  assert.deepEqual(searchProjection(event('thalweg.ledger.FundsDebited', { ...movement, debitedAt: at })), [
    { kind: 'upsert', collection: 'entries', document: { id: 'e1', tenant: 'acme', walletId: 'w1', reference: 'salary', amountMinor: 500, currency: 'EUR', direction: 'debit', occurredAt: at.getTime() } },
  ]);
  assert.deepEqual(searchProjection(event('thalweg.ledger.FundsCredited', { ...movement, creditedAt: at })).map((operation) => operation.kind === 'upsert' && operation.document.direction), ['credit']);
  assert.deepEqual(searchProjection(event('thalweg.ledger.WalletOpened', { walletId: 'w1' })), []);
});

test("a transfer's entries carry its id, and the transfer's own events write nothing", () => {
  const leg = { walletId: 'w2', entryId: 'e2', tenantId: 'acme', amountMinor: 300, currency: 'EUR', reference: 'rent', creditedAt: at, transferId: 't1' };
  const [credit] = searchProjection(event('thalweg.ledger.FundsCredited', leg));
  assert.equal(credit?.kind === 'upsert' && credit.document.transferId, 't1');
  const [plain] = searchProjection(event('thalweg.ledger.FundsCredited', { ...leg, transferId: null }));
  assert.ok(plain?.kind === 'upsert' && !('transferId' in plain.document), 'a plain credit has no transfer');
  const transfer = { transferId: 't1', sourceWalletId: 'w1', destinationWalletId: 'w2', tenantId: 'acme', amountMinor: 300, currency: 'EUR' };
  for (const type of ['thalweg.ledger.TransferRequested', 'thalweg.ledger.TransferSettled', 'thalweg.ledger.TransferRejected']) assert.deepEqual(searchProjection(event(type, transfer)), [], type);
});

test('an event type the projection does not know is rejected', () => {
  assert.throws(() => searchProjection(event('thalweg.markets.TradeExecuted', {})), { code: 'THALWEG_EVENT_REJECTED' });
});
