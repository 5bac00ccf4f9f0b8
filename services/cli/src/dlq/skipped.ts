import type { DeadLetterEntry } from './dead-letter-state.ts';

/** What a replay or discard left alone among the dead letters that matched: already acted on. */
export function skippedSummary(matching: DeadLetterEntry[]) {
  const counts = { replayed: matching.filter((entry) => entry.status === 'replayed').length, discarded: matching.filter((entry) => entry.status === 'discarded').length };
  const parts = [counts.replayed > 0 ? `${counts.replayed} already replayed` : '', counts.discarded > 0 ? `${counts.discarded} discarded` : ''].filter(Boolean);
  return { counts, text: parts.length > 0 ? `; skipped ${parts.join(' and ')}` : '' };
}
