import { Client, Errors } from 'typesense';
import type { CollectionCreateSchema } from 'typesense/lib/Typesense/Collections.js';
import { ThalwegError, storeUnavailable } from '../errors/index.ts';

export interface TypesenseConnection {
  /** `http://typesense:8108` */
  url: string;
  apiKey: string;
  timeout?: number; // ms per request
  retries?: number;
}

/** The official client, quiet, with Thalweg's timeouts; a missing key is a configuration error. */
export function typesenseClient({ url, apiKey, timeout = 5_000, retries = 2 }: TypesenseConnection): Client {
  if (!apiKey) throw new ThalwegError('THALWEG_CONFIG_INVALID', 'a Typesense API key is required');
  return new Client({ nodes: [{ url }], apiKey, connectionTimeoutSeconds: timeout / 1_000, numRetries: retries, retryIntervalSeconds: 0.2, logLevel: 'silent' });
}

/** A client error (4xx but timeouts and throttling) is our request's fault; anything else is the store's. */
function typesenseFailure(error: unknown, action: string): ThalwegError {
  const status = (error as { httpStatus?: number }).httpStatus;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return new ThalwegError('THALWEG_INTERNAL', `${action}: Typesense answered ${status}: ${(error as Error).message}`, { cause: error });
  }
  return storeUnavailable(error, action);
}

/** Runs a Typesense client call, its failure as a ThalwegError: ours (4xx) or the store's (retriable). */
export async function typesenseCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw typesenseFailure(error, action);
  }
}

/** What `call` answers, or undefined when Typesense has no such object (404). */
export function unlessMissing<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  return typesenseCall(action, async () => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof Errors.ObjectNotFound) return undefined;
      throw error;
    }
  });
}

/** Creates a collection unless one of that name exists; idempotent, and safe when two start at once. */
export function createCollectionUnlessPresent(client: Client, schema: CollectionCreateSchema): Promise<void> {
  return typesenseCall(`creating Typesense collection ${schema.name}`, async () => {
    try {
      await client.collections().create(schema);
    } catch (error) {
      if (!(error instanceof Errors.ObjectAlreadyExists)) throw error;
    }
  });
}

/** Deletes a collection; one already gone is not an error. */
export async function deleteCollectionIfPresent(client: Client, name: string): Promise<void> {
  await unlessMissing(`deleting Typesense collection ${name}`, () => client.collections(name).delete());
}
