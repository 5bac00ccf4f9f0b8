import type { EachBatchPayload } from 'kafkajs';
import { backoffDelay } from './backoff.ts';

/**
 * Pauses a partition whose batch failed for a backoff that grows with the attempts, then resumes
 * it; `clear` drops the pending resumptions when the consumer stops.
 */
export function createRetryPauses(retry: { initial?: number; max?: number } = {}) {
  const timers = new Set<NodeJS.Timeout>();
  return {
    /** Pauses the batch's partition; answers how long for. */
    pause(payload: Pick<EachBatchPayload, 'pause'>, attempt: number): number {
      const delay = backoffDelay(attempt, retry);
      const resume = payload.pause();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resume();
      }, delay);
      timers.add(timer);
      return delay;
    },
    clear(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
