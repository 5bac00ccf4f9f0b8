import { ThalwegError } from '../errors/index.ts';
import type { CollectionSchema } from './collection-schema.ts';
import { documentProblem, updateProblem } from './document-check.ts';
import type { DocumentUpdate, FacetCount, SearchDocument, SearchIndex, SearchResult, UpsertOutcome } from './search-index.ts';
import { checkSearchQuery, emptyResult } from './search-query.ts';
import { createCollectionUnlessPresent, typesenseCall, typesenseClient, unlessMissing, type TypesenseConnection } from './typesense-client.ts';
import { importOutcomes } from './typesense-import-results.ts';
import { TENANT_KEY_FIELD, tenantKey, typesenseFilter, typesenseLiteral, typesenseTenantFilter } from './typesense-filter.ts';

export interface TypesenseIndexOptions extends TypesenseConnection {
  /** Collections this index serves before ensureCollection has run (a search API that never creates them). */
  schemas?: CollectionSchema[];
  /** Typo tolerance per query word, Typesense's own default. */
  numTypos?: 0 | 1 | 2;
  /**
   * The projection's generation this index writes (typesense-generations.ts): a projector's own;
   * readers read through the aliases whatever it is.
   */
  generation?: number;
}

/** The collection holding a generation of `name`, behind the alias `name` once it is live: `users_v1` for generation 0. */
export const typesenseCollection = (name: string, generation: number): string => `${name}_v${generation + 1}`;

// Ids per delete request: each becomes a literal in one filter_by.
const DELETE_CHUNK = 100;

interface TypesenseSearchAnswer {
  found: number;
  page: number;
  hits?: Array<{ document: SearchDocument; text_match?: number }>;
  facet_counts?: Array<{ field_name: string; counts: Array<{ value: string; count: number }> }>;
}

/**
 * A SearchIndex over Typesense, with the official client. Each collection is a collection per
 * generation (`users_v1`, `users_v2`, ...) behind an alias (`users`) that every read goes
 * through, so a rebuild fills the next one and swaps the alias with no downtime for readers.
 * Writes name the generation's own collection, never the alias: Typesense 0.24 rebuilds its
 * database from its raft log on a restart, and documents written through an alias were lost
 * there (most collections came back empty; those written to the collection's own name were kept).
 */
export function createTypesenseIndex({ schemas = [], numTypos = 2, generation = 0, ...connection }: TypesenseIndexOptions): SearchIndex {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new ThalwegError('THALWEG_INTERNAL', 'a generation is a whole number from 0');
  const client = typesenseClient(connection);
  const known = new Map(schemas.map((schema) => [schema.name, schema]));

  function schemaOf(collection: string): CollectionSchema {
    const schema = known.get(collection);
    if (!schema) throw new ThalwegError('THALWEG_INTERNAL', `search collection ${collection} is not known to this index`);
    return schema;
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
      const target = typesenseCollection(collection, generation);
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

  return {
    async ensureCollection(schema) {
      known.set(schema.name, schema);
      const own = typesenseCollection(schema.name, generation);
      // Plain copies: the client's field type is an open record, the schema's an interface.
      const fields = [...schema.fields.map((field) => ({ ...field })), { name: TENANT_KEY_FIELD, type: 'string' as const }];
      await createCollectionUnlessPresent(client, { ...schema, name: own, fields });
      // The first generation of all makes the alias; later ones are swapped in by a rebuild.
      const aliased = await unlessMissing(`reading alias ${schema.name}`, () => client.aliases(schema.name).retrieve());
      if (!aliased) await typesenseCall(`pointing alias ${schema.name} at ${own}`, () => client.aliases().upsert(schema.name, { collection_name: own }));
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
      const target = typesenseCollection(collection, generation);
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
