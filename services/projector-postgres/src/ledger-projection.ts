import { ThalwegError } from '@thalweg/platform/errors';
import type { PostgresHandler, ProjectedEvent, SqlOperation } from '@thalweg/platform/projection';
import type { FundsCredited, FundsDebited, WalletOpened } from '@thalweg/platform/schemas';

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
 * balance and version it produced. No row means the wallet is unknown (in this tenant and
 * currency) or, for a debit, the balance is insufficient: the event is rejected.
 */
function movement(event: ProjectedEvent<FundsCredited | FundsDebited>, direction: 'credit' | 'debit', occurredAt: Date): SqlOperation {
  const { walletId, entryId, tenantId, amountMinor, currency, reference } = event.data;
  const delta = direction === 'credit' ? '+' : '-';
  const funded = direction === 'debit' ? 'AND balance_minor >= $4' : '';
  return {
    text: `WITH moved AS (
             UPDATE wallets SET balance_minor = balance_minor ${delta} $4, version = version + 1, updated_at = $7
             WHERE wallet_id = $1 AND tenant_id = $3 AND currency = $5 ${funded}
             RETURNING balance_minor, version)
           INSERT INTO wallet_entries (entry_id, wallet_id, tenant_id, wallet_version, direction, amount_minor, currency,
                                       balance_after_minor, reference, occurred_at, event_id, source_topic, source_partition, source_offset)
           SELECT $2, $1, $3, moved.version, '${direction}', $4, $5, moved.balance_minor, $6, $7, $8, $9, $10, $11 FROM moved`,
    values: [walletId, entryId, tenantId, amountMinor, currency, reference, occurredAt, event.metadata.id, event.topic, event.partition, event.offset],
    expect: {
      rowCount: 1,
      otherwise:
        direction === 'debit'
          ? `debit of ${amountMinor} ${currency} refused: wallet ${walletId} unknown, in another currency, or its balance is insufficient`
          : `credit of ${amountMinor} ${currency} refused: wallet ${walletId} unknown or in another currency`,
    },
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
    default:
      throw new ThalwegError('THALWEG_EVENT_REJECTED', `the ledger projection does not handle ${event.metadata.type}`);
  }
};
