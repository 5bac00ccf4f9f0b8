import type { Redis } from 'ioredis';
import { storeCall } from '@thalweg/platform/errors';

/** What the command side knows of a wallet to accept movements: its owner tenant and currency. */
export interface WalletRecord {
  walletId: string;
  tenant: string;
  ownerId: string;
  currency: string;
}

/**
 * The command side's wallet directory, in Redis so every instance shares it. It is written once
 * the WalletOpened event is acknowledged by Kafka, so a movement is accepted only for a wallet
 * whose opening is on the log. Wallets are found by id with their tenant: whether the caller may
 * touch another tenant's wallet is the policy's call, not the directory's.
 */
export function createWalletDirectory(redis: Redis, prefix = 'thalweg:wallet-directory') {
  const keyOf = (walletId: string) => `${prefix}:${walletId}`;
  return {
    async record(wallet: WalletRecord): Promise<void> {
      await storeCall('wallet directory', redis.set(keyOf(wallet.walletId), JSON.stringify(wallet)));
    },
    /** The wallet, or null when none was opened with this id. */
    async find(walletId: string): Promise<WalletRecord | null> {
      const raw = await storeCall('wallet directory', redis.get(keyOf(walletId)));
      return raw ? (JSON.parse(raw) as WalletRecord) : null;
    },
    async exists(walletId: string): Promise<boolean> {
      return (await storeCall('wallet directory', redis.exists(keyOf(walletId)))) === 1;
    },
  };
}

export type WalletDirectory = ReturnType<typeof createWalletDirectory>;
