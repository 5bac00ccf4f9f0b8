import type { DomainEvent } from '@thalweg/platform/events';

/** 1 wallet opened per 100 events, the rest credits: the shape of real ledger traffic. */
export function ledgerEvents(count: number): DomainEvent[] {
  const wallets = Array.from({ length: Math.max(1, Math.ceil(count / 100)) }, () => crypto.randomUUID());
  const at = new Date();
  return Array.from({ length: count }, (_, index) => {
    const walletId = wallets[Math.floor(index / 100)]!;
    if (index % 100 === 0) return { type: 'thalweg.ledger.WalletOpened', subject: walletId, tenant: 'bench', data: { walletId, ownerId: 'o', tenantId: 'bench', currency: 'EUR', openedAt: at } };
    return { type: 'thalweg.ledger.FundsCredited', subject: walletId, tenant: 'bench', data: { walletId, entryId: crypto.randomUUID(), tenantId: 'bench', amountMinor: 100, currency: 'EUR', reference: `r${index}`, creditedAt: at } };
  });
}

/** Consecutive slices of at most `size` items. */
export function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}
