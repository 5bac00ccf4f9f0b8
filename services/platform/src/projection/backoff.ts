/** Exponential backoff with full jitter, capped, so paused partitions do not retry in lockstep. */
export function backoffDelay(attempt: number, { initial = 200, max = 10_000, random = Math.random } = {}): number {
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
