import { ThalwegError, isThalwegError } from './thalweg-error.ts';

/**
 * A store's failure (connection refused or lost, timeout, a missing table after a bad deploy) as
 * a retriable THALWEG_STORE_UNAVAILABLE: projections pause and retry, APIs answer 503.
 */
export function storeUnavailable(error: unknown, action: string): ThalwegError {
  if (isThalwegError(error) && error.retriable) return error;
  return new ThalwegError('THALWEG_STORE_UNAVAILABLE', `${action}: ${(error as Error).message}`, { cause: error });
}

/** Awaits a store call, turning its failure into THALWEG_STORE_UNAVAILABLE. */
export async function storeCall<T>(action: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw storeUnavailable(error, action);
  }
}
