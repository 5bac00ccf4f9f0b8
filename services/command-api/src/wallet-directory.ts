import type { Redis } from 'ioredis';
import { ThalwegError, storeCall } from '@thalweg/platform/errors';

/** What the command side knows of a wallet to accept movements: it exists, in this tenant and currency. */
export interface WalletRecord {
  walletId: string;
  ownerId: string;
  currency: string;
}

/**
 * The command side's wallet directory, in Redis so every instance shares it. It is written once
 * the WalletOpened event is acknowledged by Kafka, so a movement is accepted only for a wallet
 * whose opening is on the log. Keys are per tenant: another tenant's wallet is simply not found.
 */
export function createWalletDirectory(redis: Redis, prefix = 'thalweg:wallets') {
  const keyOf = (tenant: string, walletId: string) => `${prefix}:${tenant}:${walletId}`;
  return {
    async record(tenant: string, wallet: WalletRecord): Promise<void> {
      await storeCall('wallet directory', redis.set(keyOf(tenant, wallet.walletId), JSON.stringify(wallet)));
    },
    async find(tenant: string, walletId: string): Promise<WalletRecord> {
      const raw = await storeCall('wallet directory', redis.get(keyOf(tenant, walletId)));
      if (!raw) throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${walletId} not found`);
      return JSON.parse(raw) as WalletRecord;
    },
    async exists(tenant: string, walletId: string): Promise<boolean> {
      return (await storeCall('wallet directory', redis.exists(keyOf(tenant, walletId)))) === 1;
    },
  };
}

export type WalletDirectory = ReturnType<typeof createWalletDirectory>;
