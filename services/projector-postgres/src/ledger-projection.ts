import { ThalwegError } from '@thalweg/platform/errors';
import type { PostgresHandler, ProjectedEvent, SqlOperation } from '@thalweg/platform/projection';
import type { FundsCredited, FundsDebited, TransferRejected, TransferRequested, TransferSettled, WalletOpened } from '@thalweg/platform/schemas';

function walletOpened(event: ProjectedEvent<WalletOpened>): SqlOperation[] {
  const { walletId, tenantId, ownerId, currency, openedAt } = event.data;
  return [
    {
      text: `INSERT INTO wallets (wallet_id, tenant_id, owner_id, currency, balance_minor, version, opened_at, updated_at)
             VALUES ($1, $2, $3, $4, 0, 1, $5, $5) ON CONFLICT (wallet_id) DO NOTHING`,
      values: [walletId, tenantId, ownerId, currency, openedAt],
      expect: { rowCount: 1, otherwise: `wallet ${walletId} was already opened` },
    },
  ];
}

/**
 * A movement updates the wallet and appends its entry in one statement: the entry records the
 * balance and version it produced. The ledger processor decided it against the wallet's state,
 * so funds suffice; no row means the wallet is unknown here (in this tenant and currency), which
 * only an event from outside the processor can cause: it is rejected. The balance's CHECK stays as
 * the last line of defence.
 */
function movement(event: ProjectedEvent<FundsCredited | FundsDebited>, direction: 'credit' | 'debit', occurredAt: Date): SqlOperation {
  const { walletId, entryId, tenantId, amountMinor, currency, reference, transferId } = event.data;
  const delta = direction === 'credit' ? '+' : '-';
  return {
    text: `WITH moved AS (
             UPDATE wallets SET balance_minor = balance_minor ${delta} $4, version = version + 1, updated_at = $7
             WHERE wallet_id = $1 AND tenant_id = $3 AND currency = $5
             RETURNING balance_minor, version)
           INSERT INTO wallet_entries (entry_id, wallet_id, tenant_id, wallet_version, direction, amount_minor, currency,
                                       balance_after_minor, reference, occurred_at, event_id, source_topic, source_partition, source_offset, transfer_id)
           SELECT $2, $1, $3, moved.version, '${direction}', $4, $5, moved.balance_minor, $6, $7, $8, $9, $10, $11, $12 FROM moved`,
    values: [walletId, entryId, tenantId, amountMinor, currency, reference, occurredAt, event.metadata.id, event.topic, event.partition, event.offset, transferId ?? null],
    expect: { rowCount: 1, otherwise: `${direction} of ${amountMinor} ${currency} refused: wallet ${walletId} unknown or in another currency` },
  };
}

/** A transfer's row: requested with its debit, then settled or rejected; each step exactly once. */
function transferRequested({ transferId, tenantId, sourceWalletId, destinationWalletId, amountMinor, currency, reference, requestedAt }: TransferRequested): SqlOperation {
  return {
    text: `INSERT INTO transfers (transfer_id, tenant_id, source_wallet_id, destination_wallet_id, amount_minor, currency, reference, status, requested_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8) ON CONFLICT (transfer_id) DO NOTHING`,
    values: [transferId, tenantId, sourceWalletId, destinationWalletId, amountMinor, currency, reference, requestedAt],
    expect: { rowCount: 1, otherwise: `transfer ${transferId} was already requested` },
  };
}

function transferEnded(transferId: string, status: 'settled' | 'rejected', reason: string | null, endedAt: Date): SqlOperation {
  return {
    text: `UPDATE transfers SET status = $2, reason = $3, ended_at = $4 WHERE transfer_id = $1 AND status = 'requested'`,
    values: [transferId, status, reason, endedAt],
    expect: { rowCount: 1, otherwise: `transfer ${transferId} is not pending` },
  };
}

/** Maps each ledger event to the statements that project it; a pure function of the event. */
export const ledgerProjection: PostgresHandler = (event) => {
  switch (event.metadata.type) {
    case 'thalweg.ledger.WalletOpened':
      return walletOpened(event as ProjectedEvent<WalletOpened>);
    case 'thalweg.ledger.FundsCredited': {
      const credited = event as ProjectedEvent<FundsCredited>;
      return [movement(credited, 'credit', credited.data.creditedAt)];
    }
    case 'thalweg.ledger.FundsDebited': {
      const debited = event as ProjectedEvent<FundsDebited>;
      return [movement(debited, 'debit', debited.data.debitedAt)];
    }
    case 'thalweg.ledger.TransferRequested':
      return [transferRequested(event.data as unknown as TransferRequested)];
    case 'thalweg.ledger.TransferSettled': {
      const { transferId, settledAt } = event.data as unknown as TransferSettled;
      return [transferEnded(transferId, 'settled', null, settledAt)];
    }
    case 'thalweg.ledger.TransferRejected': {
      const { transferId, reason, rejectedAt } = event.data as unknown as TransferRejected;
      return [transferEnded(transferId, 'rejected', reason, rejectedAt)];
    }
    default:
      throw new ThalwegError('THALWEG_EVENT_REJECTED', `the ledger projection does not handle ${event.metadata.type}`);
  }
};
