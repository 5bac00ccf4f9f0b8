import { ThalwegError } from '@thalweg/platform/errors';
import type { PostgresBatchHandler, ProjectedEvent, SqlOperation } from '@thalweg/platform/projection';
import type { FundsCredited, FundsDebited, TransferRejected, TransferRequested, TransferSettled, WalletOpened } from '@thalweg/platform/schemas';

/**
 * A batch whose result set-based statements cannot reproduce: an event applied event by event
 * would be refused (or would be accepted only because of its place in the batch). The store then
 * takes the per-event path, which dead-letters exactly the refused events.
 */
function perEventOnly(reason: string): never {
  throw new ThalwegError('THALWEG_EVENT_REJECTED', reason);
}

/**
 * A uuid as PostgreSQL compares it (any case, with or without hyphens or braces). What is no uuid
 * stays as it is: PostgreSQL refuses it, and the batch goes the per-event way all the same.
 */
function uuidKey(id: string): string {
  const hex = id.toLowerCase().replace(/[^0-9a-f]/g, '');
  return hex.length === 32 ? hex : id;
}

/** Rows kept as columns: unnest() takes one array parameter per column. */
function rows(width: number) {
  const columns = Array.from({ length: width }, (): unknown[] => []);
  return {
    columns,
    get count() {
      return columns[0]!.length;
    },
    push(...values: unknown[]) {
      if (values.length !== width) throw new Error(`a row of ${values.length} values where ${width} columns are projected`);
      values.forEach((value, index) => columns[index]!.push(value));
    },
  };
}

const openWallets = (count: number, values: unknown[]): SqlOperation => ({
  text: `INSERT INTO wallets (wallet_id, tenant_id, owner_id, currency, balance_minor, version, opened_at, updated_at)
         SELECT o.wallet_id, o.tenant_id, o.owner_id, o.currency, 0, 1, o.opened_at, o.opened_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bpchar[], $5::timestamptz[]) AS o(wallet_id, tenant_id, owner_id, currency, opened_at)
         ON CONFLICT (wallet_id) DO NOTHING`,
  values,
  expect: { rowCount: count, otherwise: 'a wallet of the batch was already opened' },
});

/**
 * Every movement of the batch: one UPDATE per wallet by the batch's net amount and number of
 * movements, then the entries, numbered and balanced from what the UPDATE returned, in offset
 * order within each wallet (`position`). An entry whose running balance would go below zero is
 * left out, so the count falls short: event by event the wallet's CHECK would have refused it.
 */
const moveFunds = (count: number, values: unknown[]): SqlOperation => ({
  text: `WITH m AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::bpchar[], $7::text[], $8::timestamptz[],
                                $9::text[], $10::text[], $11::integer[], $12::bigint[], $13::uuid[])
             WITH ORDINALITY AS m(wallet_id, entry_id, tenant_id, direction, amount_minor, currency, reference, occurred_at,
                                  event_id, source_topic, source_partition, source_offset, transfer_id, position)),
         d AS (SELECT m.*, CASE m.direction WHEN 'credit' THEN m.amount_minor ELSE -m.amount_minor END AS delta FROM m),
         totals AS (
           SELECT wallet_id, tenant_id, currency, sum(delta) AS delta, count(*) AS moves, (array_agg(occurred_at ORDER BY position DESC))[1] AS last_at
           FROM d GROUP BY wallet_id, tenant_id, currency),
         moved AS (
           UPDATE wallets w SET balance_minor = w.balance_minor + t.delta, version = w.version + t.moves, updated_at = t.last_at
           FROM totals t WHERE w.wallet_id = t.wallet_id AND w.tenant_id = t.tenant_id AND w.currency = t.currency
           RETURNING w.wallet_id, t.tenant_id, t.currency, w.balance_minor - t.delta AS balance_before, w.version - t.moves AS version_before),
         entries AS (
           SELECT d.*, moved.version_before + row_number() OVER wallet_order AS wallet_version,
                  moved.balance_before + sum(d.delta) OVER wallet_order AS balance_after
           FROM d JOIN moved USING (wallet_id, tenant_id, currency)
           WINDOW wallet_order AS (PARTITION BY d.wallet_id ORDER BY d.position ROWS UNBOUNDED PRECEDING))
         INSERT INTO wallet_entries (entry_id, wallet_id, tenant_id, wallet_version, direction, amount_minor, currency,
                                     balance_after_minor, reference, occurred_at, event_id, source_topic, source_partition, source_offset, transfer_id)
         SELECT entry_id, wallet_id, tenant_id, wallet_version, direction, amount_minor, currency,
                balance_after, reference, occurred_at, event_id, source_topic, source_partition, source_offset, transfer_id
         FROM entries WHERE balance_after >= 0`,
  values,
  expect: { rowCount: count, otherwise: 'a movement of the batch names a wallet unknown, in another tenant or currency, or short of funds' },
});

const requestTransfers = (count: number, values: unknown[]): SqlOperation => ({
  text: `INSERT INTO transfers (transfer_id, tenant_id, source_wallet_id, destination_wallet_id, amount_minor, currency, reference, status, requested_at)
         SELECT r.transfer_id, r.tenant_id, r.source_wallet_id, r.destination_wallet_id, r.amount_minor, r.currency, r.reference, 'requested', r.requested_at
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::bpchar[], $7::text[], $8::timestamptz[])
           AS r(transfer_id, tenant_id, source_wallet_id, destination_wallet_id, amount_minor, currency, reference, requested_at)
         ON CONFLICT (transfer_id) DO NOTHING`,
  values,
  expect: { rowCount: count, otherwise: 'a transfer of the batch was already requested' },
});

/** A transfer ended twice in one batch matches one row, so the count falls short. */
const endTransfers = (count: number, values: unknown[]): SqlOperation => ({
  text: `UPDATE transfers t SET status = e.status, reason = e.reason, ended_at = e.ended_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS e(transfer_id, status, reason, ended_at)
         WHERE t.transfer_id = e.transfer_id AND t.status = 'requested'`,
  values,
  expect: { rowCount: count, otherwise: 'a transfer of the batch is not pending' },
});

/**
 * The ledger projection's set-based form: the same rows as ledgerProjection applied event by
 * event, in four statements at most (wallets opened, funds moved, transfers requested, transfers
 * ended). Those run in that order, so an event that depends on a later one of the same batch (a
 * credit before its wallet's opening, a settlement before its request) would be applied where
 * event by event it is refused: such a batch goes the per-event way.
 */
export const ledgerBatchProjection: PostgresBatchHandler = (events) => {
  const opened = rows(5);
  const moved = rows(13);
  const requested = rows(8);
  const ended = rows(4);
  const openedWallets = new Set<string>();
  const movedWallets = new Set<string>();
  const requestedTransfers = new Set<string>();
  const endedTransfers = new Set<string>();

  const move = (event: ProjectedEvent, data: FundsCredited | FundsDebited, direction: 'credit' | 'debit', occurredAt: Date) => {
    moved.push(data.walletId, data.entryId, data.tenantId, direction, data.amountMinor, data.currency, data.reference, occurredAt, event.metadata.id, event.topic, event.partition, event.offset, data.transferId ?? null);
    movedWallets.add(uuidKey(data.walletId));
  };

  for (const event of events) {
    switch (event.metadata.type) {
      case 'thalweg.ledger.WalletOpened': {
        const { walletId, tenantId, ownerId, currency, openedAt } = event.data as unknown as WalletOpened;
        if (movedWallets.has(uuidKey(walletId))) perEventOnly(`wallet ${walletId} is moved before it is opened`);
        if (openedWallets.has(uuidKey(walletId))) perEventOnly(`wallet ${walletId} is opened twice`);
        openedWallets.add(uuidKey(walletId));
        opened.push(walletId, tenantId, ownerId, currency, openedAt);
        break;
      }
      case 'thalweg.ledger.FundsCredited': {
        const data = event.data as unknown as FundsCredited;
        move(event, data, 'credit', data.creditedAt);
        break;
      }
      case 'thalweg.ledger.FundsDebited': {
        const data = event.data as unknown as FundsDebited;
        move(event, data, 'debit', data.debitedAt);
        break;
      }
      case 'thalweg.ledger.TransferRequested': {
        const { transferId, tenantId, sourceWalletId, destinationWalletId, amountMinor, currency, reference, requestedAt } = event.data as unknown as TransferRequested;
        if (endedTransfers.has(uuidKey(transferId))) perEventOnly(`transfer ${transferId} ends before it is requested`);
        if (requestedTransfers.has(uuidKey(transferId))) perEventOnly(`transfer ${transferId} is requested twice`);
        requestedTransfers.add(uuidKey(transferId));
        requested.push(transferId, tenantId, sourceWalletId, destinationWalletId, amountMinor, currency, reference, requestedAt);
        break;
      }
      case 'thalweg.ledger.TransferSettled': {
        const { transferId, settledAt } = event.data as unknown as TransferSettled;
        ended.push(transferId, 'settled', null, settledAt);
        endedTransfers.add(uuidKey(transferId));
        break;
      }
      case 'thalweg.ledger.TransferRejected': {
        const { transferId, reason, rejectedAt } = event.data as unknown as TransferRejected;
        ended.push(transferId, 'rejected', reason, rejectedAt);
        endedTransfers.add(uuidKey(transferId));
        break;
      }
      default:
        perEventOnly(`the ledger projection does not handle ${event.metadata.type}`);
    }
  }

  const operations: SqlOperation[] = [];
  if (opened.count > 0) operations.push(openWallets(opened.count, opened.columns));
  if (moved.count > 0) operations.push(moveFunds(moved.count, moved.columns));
  if (requested.count > 0) operations.push(requestTransfers(requested.count, requested.columns));
  if (ended.count > 0) operations.push(endTransfers(ended.count, ended.columns));
  return operations;
};
