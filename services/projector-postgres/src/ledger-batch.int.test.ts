import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import type { KafkaMessage } from 'kafkajs';
import { createPostgresStore, type PartitionBatch, type ProjectionRecord, type RejectedRecord } from '@thalweg/platform/projection';
import { createTestDatabase, uniqueName } from '@thalweg/platform/testing';
import { ledgerBatchProjection } from './ledger-batch-projection.ts';
import { ledgerProjection } from './ledger-projection.ts';
import { ledgerTablesDdl } from './ledger-tables.ts';

const topic = 'ledger.wallets.v1';
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

/** Ledger events as a partition's records, numbered from offset `from` in the order given. */
function records(events: Array<{ type: string; data: Record<string, unknown> }>, from = 0): ProjectionRecord[] {
  return events.map(({ type, data }, position) => {
    const index = from + position;
    const offset = String(index);
    const message: KafkaMessage = { key: null, value: null, headers: {}, timestamp: '0', attributes: 0, offset };
    const metadata = { id: `event-${index}`, type, source: '/test', subject: String(data.walletId ?? data.transferId), time: at(index), tenant: 'acme', correlationId: `event-${index}`, traceparent: '' };
    return { offset, message, event: { topic, partition: 0, offset, key: undefined, schemaId: 1, metadata, data } };
  });
}

const open = (walletId: string, currency = 'EUR') => ({ type: 'thalweg.ledger.WalletOpened', data: { walletId, ownerId: 'owner', tenantId: 'acme', currency, openedAt: at(0) } });
const credit = (walletId: string, amountMinor: number, minute: number, transferId: string | null = null) => ({
  type: 'thalweg.ledger.FundsCredited',
  data: { walletId, entryId: crypto.randomUUID(), tenantId: 'acme', amountMinor, currency: 'EUR', reference: `c-${minute}`, creditedAt: at(minute), transferId },
});
const debit = (walletId: string, amountMinor: number, minute: number, transferId: string | null = null) => ({
  type: 'thalweg.ledger.FundsDebited',
  data: { walletId, entryId: crypto.randomUUID(), tenantId: 'acme', amountMinor, currency: 'EUR', reference: `d-${minute}`, debitedAt: at(minute), transferId },
});
const transfer = (transferId: string, sourceWalletId: string, destinationWalletId: string, amountMinor: number) => ({ transferId, tenantId: 'acme', sourceWalletId, destinationWalletId, amountMinor, currency: 'EUR' });

/**
 * A ledger store on a database of the test's own, with every statement it sends recorded, so a
 * test can tell the set-based path (a few statements, no savepoint) from the per-event one.
 */
async function ledgerStore(t: TestContext, { setBased }: { setBased: boolean }) {
  const { pool } = await createTestDatabase(t, 'ledger_batch');
  await pool.query(ledgerTablesDdl);
  const statements: string[] = [];
  const recording = {
    query: pool.query.bind(pool),
    async connect() {
      const client = await pool.connect();
      return new Proxy(client, {
        get(target, property) {
          if (property === 'query') return (text: string, values?: unknown[]) => (statements.push(text), target.query(text, values));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  } as unknown as pg.Pool;
  const store = createPostgresStore({ pool: recording, handler: ledgerProjection, ...(setBased ? { batchHandler: ledgerBatchProjection } : {}) });
  await store.init();
  const deadLettered: RejectedRecord[] = [];
  const group = uniqueName('ledger-batch');
  const apply = (batch: ProjectionRecord[], batchGroup = group) => {
    const last = BigInt(batch.at(-1)!.offset);
    const partitionBatch: PartitionBatch = {
      group: batchGroup,
      topic,
      partition: 0,
      records: batch,
      fromOffset: batch[0]!.offset,
      nextOffset: String(last + 1n),
      deadLetter: async (rejected) => void deadLettered.push(...rejected),
    };
    statements.length = 0;
    return store.apply(partitionBatch);
  };
  /** Everything the projection holds, in a stable order. */
  const contents = async () => ({
    wallets: (await pool.query('SELECT wallet_id, tenant_id, owner_id, currency, balance_minor, version, opened_at, updated_at FROM wallets ORDER BY wallet_id')).rows,
    entries: (await pool.query('SELECT * FROM wallet_entries ORDER BY wallet_id, wallet_version')).rows,
    transfers: (await pool.query('SELECT * FROM transfers ORDER BY transfer_id')).rows,
    offsets: (await pool.query('SELECT next_offset FROM projection_offsets WHERE group_id = $1', [group])).rows,
  });
  const savepoints = () => statements.filter((text) => text.startsWith('SAVEPOINT')).length;
  return { apply, contents, deadLettered, statements, savepoints };
}

test('a batch of several wallets, several events each, projects set-based to what event by event gives', async (t) => {
  const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const [settled, refused] = [crypto.randomUUID(), crypto.randomUUID()];
  const history = records([
    open(a),
    open(b),
    credit(a, 500, 1),
    credit(b, 40, 2),
    debit(a, 120, 3),
    // Second batch: wallets already there, a new one opened and moved, transfers requested and ended.
    open(c),
    credit(c, 10, 4),
    debit(a, 80, 5, settled),
    { type: 'thalweg.ledger.TransferRequested', data: { ...transfer(settled, a, b, 80), reference: 't1', requestedAt: at(5) } },
    credit(b, 80, 6, settled),
    credit(a, 7, 7),
    { type: 'thalweg.ledger.TransferSettled', data: { ...transfer(settled, a, b, 80), settledAt: at(6) } },
    debit(b, 100, 8, refused),
    { type: 'thalweg.ledger.TransferRequested', data: { ...transfer(refused, b, c, 100), reference: 't2', requestedAt: at(8) } },
    credit(b, 100, 9, refused),
    { type: 'thalweg.ledger.TransferRejected', data: { ...transfer(refused, b, c, 100), reason: 'THALWEG_WALLET_UNKNOWN', detail: 'd', rejectedAt: at(9) } },
    debit(c, 10, 10),
    credit(c, 3, 11),
  ]);
  const setBased = await ledgerStore(t, { setBased: true });
  const perEvent = await ledgerStore(t, { setBased: false });
  for (const store of [setBased, perEvent]) {
    assert.deepEqual(await store.apply(history.slice(0, 5)), { applied: 5, rejected: 0 });
    assert.deepEqual(await store.apply(history.slice(5)), { applied: history.length - 5, rejected: 0 });
  }
  assert.equal(setBased.savepoints(), 0, 'no event took the per-event path');
  // BEGIN, the offset row (insert, lock), four statements for 13 events, the offset, COMMIT.
  assert.equal(setBased.statements.length, 9, `the second batch took ${setBased.statements.length} statements`);
  const projected = await setBased.contents();
  assert.deepEqual(projected, await perEvent.contents());
  const balances = Object.fromEntries(projected.wallets.map((row) => [row.wallet_id, [Number(row.balance_minor), Number(row.version)]]));
  assert.deepEqual(balances, { [a]: [307, 5], [b]: [120, 5], [c]: [3, 4] });
  assert.deepEqual(
    projected.entries.filter((row) => row.wallet_id === a).map((row) => [Number(row.wallet_version), Number(row.balance_after_minor), row.reference]),
    [[2, 500, 'c-1'], [3, 380, 'd-3'], [4, 300, 'd-5'], [5, 307, 'c-7']],
    'entries carry the running balance and version in offset order',
  );
  assert.deepEqual(projected.transfers.map((row) => [row.transfer_id, row.status]).sort(), [[settled, 'settled'], [refused, 'rejected']].sort());
  assert.equal(setBased.deadLettered.length, 0);
});

test('a batch with refused events dead-letters exactly those and applies the others, as event by event does', async (t) => {
  const [a, b, stranger] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const pending = crypto.randomUUID();
  const batch = records([
    credit(b, 5, 1), // before its wallet's opening: unknown at that point
    open(a),
    open(b),
    credit(a, 100, 2),
    credit(stranger, 1_000, 3), // a wallet never opened
    debit(a, 150, 4), // more than the balance holds
    credit(a, 20, 5),
    open(a), // opened twice
    { type: 'thalweg.ledger.TransferSettled', data: { ...transfer(pending, a, b, 1), settledAt: at(6) } }, // never requested
    { type: 'thalweg.identity.UserRegistered', data: { userId: 'u' } }, // not the ledger's
    debit(a, 120, 7),
  ]);
  const setBased = await ledgerStore(t, { setBased: true });
  const perEvent = await ledgerStore(t, { setBased: false });
  for (const store of [setBased, perEvent]) assert.deepEqual(await store.apply(batch), { applied: 5, rejected: 6 });
  assert.ok(setBased.savepoints() > 0, 'the batch fell back to a savepoint per event');
  assert.deepEqual(setBased.deadLettered.map((record) => record.offset), ['0', '4', '5', '7', '8', '9']);
  assert.ok(setBased.deadLettered.every((record) => record.error.code === 'THALWEG_EVENT_REJECTED'));
  const projected = await setBased.contents();
  assert.deepEqual(projected, await perEvent.contents());
  const balances = Object.fromEntries(projected.wallets.map((row) => [row.wallet_id, [Number(row.balance_minor), Number(row.version)]]));
  assert.deepEqual(balances, { [a]: [0, 4], [b]: [0, 1] });
  assert.deepEqual(projected.offsets, [{ next_offset: '11' }], 'the offset moves past the dead letters');

  // The next batch, clean again, is back on the set-based path.
  assert.deepEqual(await setBased.apply(records([credit(a, 1, 8), credit(b, 2, 9)], 11)), { applied: 2, rejected: 0 });
  assert.equal(setBased.savepoints(), 0);
});

test('a batch with one refused event dead-letters exactly that one and applies the others, as event by event does', async (t) => {
  const setBased = await ledgerStore(t, { setBased: true });
  const perEvent = await ledgerStore(t, { setBased: false });
  const a = crypto.randomUUID();
  const transferId = crypto.randomUUID();
  // Each case: the batch, and the offset of the one event applied event by event would refuse.
  const cases: Array<[string, Array<{ type: string; data: Record<string, unknown> }>, string]> = [
    ['a credit before its wallet is opened', [credit(a, 5, 1), open(a), credit(a, 10, 2)], '0'],
    ['a credit of a wallet never opened', [open(a), credit(crypto.randomUUID(), 10, 1), credit(a, 10, 2)], '1'],
    ['a debit beyond the balance, made good by a later credit', [open(a), credit(a, 50, 1), debit(a, 80, 2), credit(a, 100, 3)], '2'],
    ['a credit in another currency', [open(a), { ...credit(a, 10, 1), data: { ...credit(a, 10, 1).data, currency: 'USD' } }, credit(a, 10, 2)], '1'],
    ['a wallet opened twice', [open(a), credit(a, 10, 1), open(a), credit(a, 1, 2)], '2'],
    ['a transfer settled before it is requested', [open(a), { type: 'thalweg.ledger.TransferSettled', data: { ...transfer(transferId, a, a, 1), settledAt: at(1) } }, { type: 'thalweg.ledger.TransferRequested', data: { ...transfer(transferId, a, a, 1), reference: 't', requestedAt: at(2) } }], '1'],
    ['an event the ledger does not project', [open(a), { type: 'thalweg.identity.UserRegistered', data: { userId: 'u' } }, credit(a, 10, 1)], '1'],
  ];
  for (const [name, events, refused] of cases) {
    // Fresh wallets and transfers per case, each batch under a group of its own from offset 0.
    const ids = new Map<string, string>();
    const fresh = (id: unknown) => (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) ? (ids.get(id) ?? ids.set(id, crypto.randomUUID()).get(id)!) : id);
    const batch = records(events.map(({ type, data }) => ({ type, data: { ...data, walletId: fresh(data.walletId), transferId: fresh(data.transferId), sourceWalletId: fresh(data.sourceWalletId), destinationWalletId: fresh(data.destinationWalletId), entryId: fresh(data.entryId) } })));
    const group = uniqueName('ledger-case');
    for (const store of [setBased, perEvent]) {
      store.deadLettered.length = 0;
      assert.deepEqual(await store.apply(batch, group), { applied: batch.length - 1, rejected: 1 }, name);
      assert.deepEqual(store.deadLettered.map((record) => record.offset), [refused], name);
    }
    const [projected, expected] = [await setBased.contents(), await perEvent.contents()];
    assert.deepEqual({ ...projected, offsets: [] }, { ...expected, offsets: [] }, name);
  }
});

test('a redelivered batch changes nothing, and a batch overlapping the stored offset applies only what is new', async (t) => {
  const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
  const history = records([open(a), open(b), credit(a, 30, 1), credit(b, 60, 2), debit(a, 10, 3), credit(a, 5, 4), credit(b, 1, 5)]);
  const store = await ledgerStore(t, { setBased: true });
  assert.deepEqual(await store.apply(history.slice(0, 5)), { applied: 5, rejected: 0 });
  const once = await store.contents();
  assert.deepEqual(await store.apply(history.slice(0, 5)), { applied: 0, rejected: 0 });
  assert.deepEqual(await store.contents(), once, 'the same batch again changes nothing');
  // Offsets 3 and 4 were applied; only 5 and 6 are new.
  assert.deepEqual(await store.apply(history.slice(3)), { applied: 2, rejected: 0 });
  const after = await store.contents();
  const balances = Object.fromEntries(after.wallets.map((row) => [row.wallet_id, [Number(row.balance_minor), Number(row.version)]]));
  assert.deepEqual(balances, { [a]: [25, 4], [b]: [61, 3] });
  assert.equal(after.entries.length, 5);
  assert.deepEqual(after.offsets, [{ next_offset: '7' }]);
  assert.equal(store.deadLettered.length, 0);
  assert.equal(store.savepoints(), 0);
});
