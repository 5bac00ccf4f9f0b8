import type { Redis } from 'ioredis';
import { storeCall } from '@thalweg/platform/errors';
import { createIdReservations } from './id-reservation.ts';

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
 * whose opening is on the log (a reserved id is not a wallet yet). Wallets are found by id with
 * their tenant: whether the caller may touch another tenant's wallet is the policy's call.
 */
export function createWalletDirectory(redis: Redis, prefix = 'thalweg:wallet-directory') {
  const keyOf = (walletId: string) => `${prefix}:${walletId}`;
  const reservations = createIdReservations(redis, 'wallet directory');
  return {
    /** Holds the id for the request opening it; false when the wallet exists or is being opened. */
    reserve: (walletId: string) => reservations.reserve(keyOf(walletId)),
    release: (walletId: string) => reservations.release(keyOf(walletId)),
    async record(wallet: WalletRecord): Promise<void> {
      await storeCall('wallet directory', redis.set(keyOf(wallet.walletId), JSON.stringify(wallet)));
    },
    /** The wallet, or null when none was opened with this id. */
    async find(walletId: string): Promise<WalletRecord | null> {
      const raw = await storeCall('wallet directory', redis.get(keyOf(walletId)));
      return raw && !reservations.isReservation(raw) ? (JSON.parse(raw) as WalletRecord) : null;
    },
  };
}

export type WalletDirectory = ReturnType<typeof createWalletDirectory>;
