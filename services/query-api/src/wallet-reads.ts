import type pg from 'pg';
import { storeCall, validationError } from '@thalweg/platform/errors';

export interface WalletView {
  walletId: string;
  ownerId: string;
  currency: string;
  balanceMinor: number;
  version: number;
  openedAt: string;
  updatedAt: string;
}

export interface EntryView {
  entryId: string;
  direction: 'credit' | 'debit';
  amountMinor: number;
  currency: string;
  balanceAfterMinor: number;
  reference: string;
  walletVersion: number;
  occurredAt: string;
  eventId: string;
  /** The transfer the entry belongs to (its debit, its credit, or the money returned), else null. */
  transferId: string | null;
}

export interface EntryPage {
  items: EntryView[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last wallet version they saw. */
export function encodeCursor(version: number): string {
  return Buffer.from(JSON.stringify({ v: version })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const { v } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown };
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  } catch {
    // fall through to the validation error
  }
  throw validationError([{ field: 'query.cursor', message: 'is not a cursor returned by this API' }]);
}

/** A wallet as the projection holds it, with the tenant that owns it (for the policy, not for the client). */
export interface OwnedWallet {
  tenant: string;
  view: WalletView;
}

/**
 * Reads the ledger projection through its read schema (`ledger`: views of the live generation,
 * swapped at once when a rebuild goes live). A wallet is found by id with its owner, so the policy can tell the
 * caller's own wallets from another tenant's; entries are read only within the owner's tenant.
 */
export function createWalletReads(pool: pg.Pool) {
  const run = <T extends pg.QueryResultRow>(text: string, values: unknown[]) => storeCall('reading the ledger projection', pool.query<T>(text, values));
  return {
    /** The wallet and its owner, or null when the projection has no such wallet. */
    async wallet(walletId: string): Promise<OwnedWallet | null> {
      const { rows } = await run<{ tenant_id: string; wallet_id: string; owner_id: string; currency: string; balance_minor: string; version: string; opened_at: Date; updated_at: Date }>(
        'SELECT tenant_id, wallet_id, owner_id, currency, balance_minor, version, opened_at, updated_at FROM ledger.wallets WHERE wallet_id = $1',
        [walletId],
      );
      const row = rows[0];
      if (!row) return null;
      return { tenant: row.tenant_id, view: {
        walletId: row.wallet_id,
        ownerId: row.owner_id,
        currency: row.currency,
        balanceMinor: Number(row.balance_minor),
        version: Number(row.version),
        openedAt: row.opened_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      } };
    },

    async entries(tenant: string, walletId: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<EntryPage> {
      const after = cursor ? decodeCursor(cursor) : 0;
      const { rows } = await run<{
        entry_id: string; direction: 'credit' | 'debit'; amount_minor: string; currency: string; balance_after_minor: string;
        reference: string; wallet_version: string; occurred_at: Date; event_id: string; transfer_id: string | null;
      }>(
        `SELECT entry_id, direction, amount_minor, currency, balance_after_minor, reference, wallet_version, occurred_at, event_id, transfer_id
         FROM ledger.wallet_entries WHERE wallet_id = $1 AND tenant_id = $2 AND wallet_version > $3
         ORDER BY wallet_version LIMIT $4`,
        [walletId, tenant, after, limit + 1],
      );
      const page = rows.slice(0, limit).map((row) => ({
        entryId: row.entry_id,
        direction: row.direction,
        amountMinor: Number(row.amount_minor),
        currency: row.currency,
        balanceAfterMinor: Number(row.balance_after_minor),
        reference: row.reference,
        walletVersion: Number(row.wallet_version),
        occurredAt: row.occurred_at.toISOString(),
        eventId: row.event_id,
        transferId: row.transfer_id,
      }));
      const last = page.at(-1);
      return { items: page, nextCursor: rows.length > limit && last ? encodeCursor(last.walletVersion) : null };
    },
  };
}

export type WalletReads = ReturnType<typeof createWalletReads>;
