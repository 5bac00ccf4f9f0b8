import { setTimeout as delay } from 'node:timers/promises';

/**
 * Changes keep arriving and a reader keeps reading until `stop`: every read must hold all `size`
 * keys (never a partial model), and each key's number only grows (changes only add), so a number
 * that goes down was read from a model behind the one before.
 */
export function underTraffic({ change, changePause, read, size, readPause = 0 }: { change: (round: number) => Promise<void>; changePause: number; read: () => Promise<Map<string, number>>; size: number; readPause?: number }) {
  let running = true;
  const reads = { count: 0, partial: [] as string[], backwards: [] as string[] };
  const traffic = (async () => {
    for (let round = 0; running; round += 1) {
      await change(round);
      await delay(changePause);
    }
  })();
  const reader = (async () => {
    const seen = new Map<string, number>();
    while (running) {
      const current = await read();
      reads.count += 1;
      if (current.size !== size) reads.partial.push(`read ${reads.count}: ${current.size} of ${size}`);
      for (const [key, value] of current) {
        if (value < (seen.get(key) ?? 0)) reads.backwards.push(`read ${reads.count}: ${key} went from ${seen.get(key)} to ${value}`);
        seen.set(key, value);
      }
      await delay(readPause);
    }
  })();
  return {
    async stop() {
      running = false;
      await Promise.all([traffic, reader]);
      return reads;
    },
  };
}
