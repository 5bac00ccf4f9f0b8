import type { Redis } from 'ioredis';
import { storeCall } from '../errors/index.ts';
import type { CommandStatus } from './command-status.ts';

const CHANNEL = 'thalweg:command-outcomes';

export interface CommandOutcomesOptions {
  redis: Redis;
  /** How long a command's status is kept: as long as an Idempotency-Key answer. */
  ttlSeconds?: number;
  prefix?: string;
  /** How often a waiter looks again, should a notification be missed (a reconnect). */
  pollInterval?: number; // ms
}

/**
 * The command side's record of each command, in Redis so every instance shares it: `pending` when
 * the command is on the log, then its outcome once the outcome recorder reads it off
 * ledger.command-outcomes.v1. Recording an outcome publishes the command id, so a request waiting
 * for it (`Prefer: wait`) on any instance wakes at once.
 */
export function createCommandOutcomes({ redis, ttlSeconds = 86_400, prefix = 'thalweg:command', pollInterval = 250 }: CommandOutcomesOptions) {
  const keyOf = (commandId: string) => `${prefix}:${commandId}`;
  const waiters = new Map<string, Set<() => void>>();
  let subscriber: Promise<Redis> | undefined;

  function subscribe(): Promise<Redis> {
    subscriber ??= (async () => {
      const connection = redis.duplicate({ enableOfflineQueue: true, lazyConnect: true });
      connection.on('error', () => {});
      connection.on('message', (_channel: string, commandId: string) => {
        for (const wake of waiters.get(commandId) ?? []) wake();
      });
      await connection.connect();
      await connection.subscribe(CHANNEL);
      return connection;
    })().catch((error: unknown) => {
      subscriber = undefined;
      throw error;
    });
    return subscriber;
  }

  async function find(commandId: string): Promise<CommandStatus | null> {
    const raw = await storeCall('command outcomes', redis.get(keyOf(commandId)));
    return raw ? (JSON.parse(raw) as CommandStatus) : null;
  }

  return {
    find,
    /** Records a command just published; an outcome recorded first is kept. */
    async recordPending(status: Omit<CommandStatus, 'status'>): Promise<void> {
      await storeCall('command outcomes', redis.set(keyOf(status.commandId), JSON.stringify({ ...status, status: 'pending' }), 'EX', ttlSeconds, 'NX'));
    },
    /** Records a decided command and wakes whoever waits for it. */
    async recordDecided(status: CommandStatus): Promise<void> {
      await storeCall('command outcomes', redis.multi().set(keyOf(status.commandId), JSON.stringify(status), 'EX', ttlSeconds).publish(CHANNEL, status.commandId).exec());
    },
    /**
     * The command's status once decided, or as it stands when `timeout` passes (pending, or null
     * for a command this side has no record of).
     */
    async waitForDecision(commandId: string, timeout: number): Promise<CommandStatus | null> {
      const deadline = Date.now() + timeout;
      let wake: () => void = () => {};
      const listeners = waiters.get(commandId) ?? new Set();
      waiters.set(commandId, listeners);
      // Subscribed before the first read, so an outcome recorded in between still wakes this wait.
      await subscribe().catch(() => {});
      try {
        for (;;) {
          const signalled = new Promise<void>((resolve) => {
            wake = resolve;
            listeners.add(wake);
          });
          const status = await find(commandId);
          const remaining = deadline - Date.now();
          if ((status && status.status !== 'pending') || remaining <= 0) return status;
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([signalled, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(pollInterval, remaining))))]);
          clearTimeout(timer);
          listeners.delete(wake);
        }
      } finally {
        listeners.delete(wake);
        if (listeners.size === 0) waiters.delete(commandId);
      }
    },
    async close(): Promise<void> {
      const connection = await subscriber?.catch(() => undefined);
      connection?.disconnect();
      subscriber = undefined;
    },
  };
}

export type CommandOutcomes = ReturnType<typeof createCommandOutcomes>;
