import { ThalwegError, isThalwegError } from '../errors/index.ts';

// SQLSTATE classes that describe the event, not the store: retrying the same event fails the same way.
const PERMANENT_CLASSES = new Set(['22', '23']); // data exception, integrity constraint violation

/** True when a PostgreSQL error is the event's fault (bad data, constraint) rather than the store's. */
export function isPermanentPostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && PERMANENT_CLASSES.has(code.slice(0, 2));
}

/**
 * Anything else (connection refused or lost, admin shutdown, serialization failure, a missing
 * table after a bad deploy) is the store's: the partition pauses and retries, no event is dropped.
 */
export function storeUnavailable(error: unknown, action: string): ThalwegError {
  if (isThalwegError(error) && error.retriable) return error;
  return new ThalwegError('THALWEG_STORE_UNAVAILABLE', `${action}: ${(error as Error).message}`, { cause: error });
}
