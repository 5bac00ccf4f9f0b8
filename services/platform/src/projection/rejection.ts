import { ThalwegError, isThalwegError } from '../errors/index.ts';

/** What a handler or a store threw for one event, as the reason it is dead-lettered. */
export function rejection(error: unknown): ThalwegError {
  if (isThalwegError(error)) return error;
  return new ThalwegError('THALWEG_EVENT_REJECTED', (error as Error).message, { cause: error });
}
