/** How far a generation being built is, summed over every partition of its topics. */
export interface RebuildSnapshot {
  /** Records the generation has still to read to reach the topics' ends. */
  remaining: number;
  /** Records of the topics it has read so far. */
  done: number;
  /** Partitions with nothing left to read, of all. */
  caughtUp: number;
  partitions: number;
  at: number; // ms, a monotonic clock
}

/**
 * Throughput and time left from successive snapshots: events/s over the last snapshots (a
 * window, so a pause at the start does not weigh for ever) and the remaining count at that rate.
 */
export function createRebuildProgress(windowSize = 10) {
  const window: RebuildSnapshot[] = [];
  return {
    add(snapshot: RebuildSnapshot) {
      window.push(snapshot);
      if (window.length > windowSize) window.shift();
    },
    /** Events per second over the window; undefined before two snapshots. */
    rate(): number | undefined {
      if (window.length < 2) return undefined;
      const first = window[0]!;
      const last = window.at(-1)!;
      const seconds = (last.at - first.at) / 1_000;
      return seconds > 0 ? Math.max(0, last.done - first.done) / seconds : undefined;
    },
    /** Seconds left at the current rate; undefined while nothing moves. */
    etaSeconds(): number | undefined {
      const rate = this.rate();
      const last = window.at(-1);
      if (!rate || !last) return undefined;
      return last.remaining / rate;
    },
  };
}

export function formatRebuildLine(generation: number, snapshot: RebuildSnapshot, rate: number | undefined, eta: number | undefined): string {
  const percent = snapshot.done + snapshot.remaining === 0 ? 100 : Math.floor((snapshot.done / (snapshot.done + snapshot.remaining)) * 100);
  const speed = rate === undefined ? '–' : `${Math.round(rate)} events/s`;
  const left = eta === undefined ? '–' : eta < 60 ? `${Math.ceil(eta)} s` : `${Math.ceil(eta / 60)} min`;
  return `generation ${generation}: ${percent}% (${snapshot.done} read, ${snapshot.remaining} to go, ${snapshot.caughtUp}/${snapshot.partitions} partitions caught up), ${speed}, ETA ${left}`;
}
