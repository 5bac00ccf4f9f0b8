import { ThalwegError } from '../errors/index.ts';
import type { UpsertOutcome } from './search-index.ts';

/** One line of Typesense's import answer (API 27.x/28.x, Documents, "Import documents"). */
interface ImportLine {
  success?: unknown;
  error?: unknown;
  code?: unknown;
}

function answerLines(answer: unknown): unknown[] {
  if (typeof answer === 'string') {
    return answer
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          return line;
        }
      });
  }
  // An HTTP client may already have parsed a one-line answer sent as JSON.
  return Array.isArray(answer) ? answer : [answer];
}

/**
 * Pairs every line of an import answer with the document sent on the same line. Typesense answers
 * 200 even when some documents fail, so each line is read: `{"success":true}` or
 * `{"success":false,"error":"…","document":"…","code":400}`. An answer that does not account for
 * every document, or a line failed by Typesense itself (5xx, 408, 429), is the store's failure:
 * the caller retries the whole batch (upserts are idempotent).
 */
export function importOutcomes(ids: readonly string[], answer: unknown): UpsertOutcome[] {
  const lines = answerLines(answer);
  if (lines.length !== ids.length) {
    throw new ThalwegError('THALWEG_STORE_UNAVAILABLE', `Typesense answered ${lines.length} import lines for ${ids.length} documents`);
  }
  return ids.map((id, index) => {
    const line = lines[index] as ImportLine | null;
    if (line !== null && typeof line === 'object' && line.success === true) return { id, ok: true };
    if (line !== null && typeof line === 'object' && line.success === false) {
      // Typesense's own trouble on one line (a 503 "Not Ready or Lagging", a 429): not the
      // document's fault, so not a refusal either; the whole batch is tried again.
      if (typeof line.code === 'number' && (line.code >= 500 || line.code === 408 || line.code === 429)) {
        throw new ThalwegError('THALWEG_STORE_UNAVAILABLE', `Typesense could not import document ${id} (${line.code}): ${typeof line.error === 'string' ? line.error : 'no reason given'}`);
      }
      const code = typeof line.code === 'number' ? ` (${line.code})` : '';
      return { id, ok: false, reason: `${typeof line.error === 'string' ? line.error : 'rejected by Typesense'}${code}` };
    }
    throw new ThalwegError('THALWEG_STORE_UNAVAILABLE', `Typesense answered an unreadable import line for document ${id}`);
  });
}
