import { Client, Errors } from 'typesense';
import { ThalwegError, storeUnavailable } from '../errors/index.ts';
import type { CollectionSchema } from './collection-schema.ts';
import { documentProblem, updateProblem } from './document-check.ts';
import type { DocumentUpdate, FacetCount, SearchDocument, SearchIndex, SearchResult, UpsertOutcome } from './search-index.ts';
import { checkSearchQuery, emptyResult } from './search-query.ts';
import { importOutcomes } from './typesense-import-results.ts';
import { TENANT_KEY_FIELD, tenantKey, typesenseFilter, typesenseLiteral, typesenseTenantFilter } from './typesense-filter.ts';

export interface TypesenseIndexOptions {
  /** `http://typesense:8108` */
  url: string;
  apiKey: string;
  /** Collections this index serves before ensureCollection has run (a search API that never creates them). */
  schemas?: CollectionSchema[];
  /** Typo tolerance per query word, Typesense's own default. */
  numTypos?: 0 | 1 | 2;
  timeout?: number; // ms per request
  retries?: number;
}

/** The Typesense adapter, plus the versioned-collection step a rebuild uses to swap the alias. */
export interface TypesenseSearchIndex extends SearchIndex {
  /** Creates `<name>_v<version>` if missing and points the alias `<name>` at it; returns the collection name. */
  ensureCollectionVersion(schema: CollectionSchema, version: number): Promise<string>;
}

// Ids per delete request: each becomes a literal in one filter_by.
const DELETE_CHUNK = 100;

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

interface TypesenseSearchAnswer {
  found: number;
  page: number;
  hits?: Array<{ document: SearchDocument; text_match?: number }>;
  facet_counts?: Array<{ field_name: string; counts: Array<{ value: string; count: number }> }>;
}

/**
 * A SearchIndex over Typesense, with the official client. Each collection is a versioned
 * collection (`users_v1`) behind an alias (`users`) that every read goes through and every write
 * follows (see writeTarget), so a rebuild fills `users_v2` and swaps the alias with no downtime
 * for readers.
 */
export function createTypesenseIndex({ url, apiKey, schemas = [], numTypos = 2, timeout = 5_000, retries = 2 }: TypesenseIndexOptions): TypesenseSearchIndex {
  if (!apiKey) throw new ThalwegError('THALWEG_CONFIG_INVALID', 'a Typesense API key is required');
  const client = new Client({
    nodes: [{ url }],
    apiKey,
    connectionTimeoutSeconds: timeout / 1_000,
    numRetries: retries,
    retryIntervalSeconds: 0.2,
    logLevel: 'silent',
  });
  const known = new Map(schemas.map((schema) => [schema.name, schema]));

  function schemaOf(collection: string): CollectionSchema {
    const schema = known.get(collection);
    if (!schema) throw new ThalwegError('THALWEG_INTERNAL', `search collection ${collection} is not known to this index`);
    return schema;
  }

  /**
   * The collection an alias points at, for writes: Typesense 0.24 rebuilds its database from its
   * raft log on a restart, and documents written through an alias were lost there (most
   * collections came back empty; those written to the collection's own name were kept). Writes
   * therefore name the collection itself, looked up on every call so that they follow the alias
   * when a rebuild swaps it; reads keep going through the alias. A name that is no alias is taken
   * as a collection's own.
   */
  async function writeTarget(collection: string): Promise<string> {
    const alias = await typesenseCall(`reading alias ${collection}`, async () => {
      try {
        return await client.aliases(collection).retrieve();
      } catch (error) {
        if (error instanceof Errors.ObjectNotFound) return undefined;
        throw error;
      }
    });
    return alias?.collection_name ?? collection;
  }

  /**
   * Imports documents checked locally first (`problem` gives a document's reason to fail before
   * any request), and reads every answer line; the outcomes come back in input order.
   */
  async function importChecked<T extends { id: string }>(
    collection: string,
    documents: T[],
    action: 'upsert' | 'update',
    problem: (document: unknown) => string | undefined,
    stored: (document: T) => object = (document) => document,
  ): Promise<UpsertOutcome[]> {
    const outcomes: Array<UpsertOutcome | undefined> = documents.map((document) => {
      const reason = problem(document);
      return reason === undefined ? undefined : { id: String((document as { id?: unknown })?.id ?? ''), ok: false, reason };
    });
    const valid = documents.filter((_, index) => outcomes[index] === undefined);
    if (valid.length > 0) {
      const jsonl = valid.map((document) => JSON.stringify(stored(document))).join('\n');
      const target = await writeTarget(collection);
      // A JSONL body (not an array) makes the client hand back the raw answer, every line of which is read.
      const answer: unknown = await typesenseCall(`importing into ${target} (${action})`, () =>
        client.collections<SearchDocument>(target).documents().import(jsonl, { action }),
      );
      const imported = importOutcomes(valid.map((document) => document.id), answer);
      let next = 0;
      outcomes.forEach((outcome, index) => {
        if (outcome === undefined) outcomes[index] = imported[next++];
      });
    }
    return outcomes as UpsertOutcome[];
  }

  async function ensureCollectionVersion(schema: CollectionSchema, version: number): Promise<string> {
    if (!Number.isSafeInteger(version) || version < 1) throw new ThalwegError('THALWEG_INTERNAL', 'a collection version is a whole number from 1');
    known.set(schema.name, schema);
    const name = `${schema.name}_v${version}`;
    await typesenseCall(`creating Typesense collection ${name}`, async () => {
      try {
        // Plain copies: the client's field type is an open record, the schema's an interface.
        const fields = [...schema.fields.map((field) => ({ ...field })), { name: TENANT_KEY_FIELD, type: 'string' as const }];
        await client.collections().create({ ...schema, name, fields });
      } catch (error) {
        if (!(error instanceof Errors.ObjectAlreadyExists)) throw error;
      }
    });
    await typesenseCall(`pointing alias ${schema.name} at ${name}`, () => client.aliases().upsert(schema.name, { collection_name: name }));
    return name;
  }

  return {
    ensureCollectionVersion,

    async ensureCollection(schema) {
      known.set(schema.name, schema);
      const aliased = await typesenseCall(`reading alias ${schema.name}`, async () => {
        try {
          return await client.aliases(schema.name).retrieve();
        } catch (error) {
          if (error instanceof Errors.ObjectNotFound) return undefined;
          throw error;
        }
      });
      // An existing alias may point at a rebuilt version: leave it where it is.
      if (!aliased) await ensureCollectionVersion(schema, 1);
    },

    async upsertDocuments(collection, documents): Promise<UpsertOutcome[]> {
      const schema = schemaOf(collection);
      // Every document carries its tenant's key, the field the scope filters on (typesense-filter.ts).
      return importChecked(collection, documents, 'upsert', (document) => documentProblem(schema, document), (document) => ({ ...document, [TENANT_KEY_FIELD]: tenantKey(document.tenant as string) }));
    },

    // Typesense's `update` action changes the fields a line gives and fails the line (404) when the
    // document does not exist, as the PostgreSQL adapter does; `emplace` would create it from a part.
    async updateDocuments(collection, updates: DocumentUpdate[]): Promise<UpsertOutcome[]> {
      const schema = schemaOf(collection);
      return importChecked(collection, updates, 'update', (update) => updateProblem(schema, update));
    },

    async deleteDocuments(collection, ids) {
      schemaOf(collection);
      let deleted = 0;
      const target = ids.length > 0 ? await writeTarget(collection) : collection;
      for (let start = 0; start < ids.length; start += DELETE_CHUNK) {
        const filter = `id:=[${ids.slice(start, start + DELETE_CHUNK).map(typesenseLiteral).join(',')}]`;
        const answer = await typesenseCall(`deleting from ${target}`, () =>
          client.collections(target).documents().delete({ filter_by: filter }),
        );
        deleted += (answer as { num_deleted?: number }).num_deleted ?? 0;
      }
      return deleted;
    },

    async search(collection, query): Promise<SearchResult> {
      const schema = schemaOf(collection);
      const checked = checkSearchQuery(schema, query);
      if (checked.reach.kind === 'none') return emptyResult(checked);
      const tenantFilter = checked.reach.kind === 'tenants' ? typesenseTenantFilter(checked.reach.tenants) : undefined;
      const filterBy = [tenantFilter, typesenseFilter(checked.filter)].filter((part) => part !== undefined && part.length > 0).join(' && ');
      const parameters: Record<string, string | number | boolean> = {
        q: checked.text === '' ? '*' : checked.text,
        query_by: checked.queryBy.join(','),
        num_typos: numTypos,
        page: checked.page,
        per_page: checked.perPage,
      };
      if (filterBy) parameters.filter_by = filterBy;
      if (checked.facetBy.length > 0) parameters.facet_by = checked.facetBy.join(',');
      if (checked.sortBy) parameters.sort_by = `${checked.sortBy.field}:${checked.sortBy.direction}`;
      const answer = (await typesenseCall(`searching ${collection}`, () =>
        client.collections(collection).documents().search(parameters, { cacheSearchResultsForSeconds: 0 }),
      )) as unknown as TypesenseSearchAnswer;
      const facetCounts: Record<string, FacetCount[]> = Object.fromEntries(checked.facetBy.map((name) => [name, []]));
      for (const facet of answer.facet_counts ?? []) {
        if (facet.field_name in facetCounts) facetCounts[facet.field_name] = facet.counts.map(({ value, count }) => ({ value, count }));
      }
      return {
        found: answer.found,
        hits: (answer.hits ?? []).map(({ document: { [TENANT_KEY_FIELD]: _key, ...document }, text_match }) => ({ document: document as SearchDocument, score: text_match })),
        facetCounts,
        page: answer.page,
      };
    },
  };
}
