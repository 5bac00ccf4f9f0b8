import type pg from 'pg';
import { ThalwegError, storeCall, storeUnavailable } from '../errors/index.ts';
import { isPermanentPostgresError } from '../projection/postgres-errors.ts';
import type { CollectionSchema } from './collection-schema.ts';
import { documentProblem, updateProblem } from './document-check.ts';
import { collectionDdl, searchTable } from './postgres-search-ddl.ts';
import { searchStatements } from './postgres-search-query.ts';
import type { DocumentUpdate, FacetCount, SearchDocument, SearchIndex, SearchResult, UpsertOutcome } from './search-index.ts';
import { checkSearchQuery, emptyResult } from './search-query.ts';
import { quoteIdentifier } from './sql-filter.ts';

export interface PostgresSearchIndexOptions {
  pool: pg.Pool;
  /** Collections this index serves before ensureCollection has run. */
  schemas?: CollectionSchema[];
  /**
   * How alike a query word and a word of a field must be to match (pg_trgm word_similarity, 0 to
   * 1). pg_trgm's default of 0.6 misses transpositions: "jonh" against "John" scores 0.4.
   */
  wordSimilarityThreshold?: number;
}

// Rows per INSERT: a document takes a parameter per column, and PostgreSQL allows 65,535.
const UPSERT_CHUNK = 500;
// Concurrent start-ups (several projector instances) would race on CREATE EXTENSION and CREATE TABLE.
const DDL_LOCK = 'thalweg_search_ddl';

function upsertStatement(schema: CollectionSchema, documents: SearchDocument[]): { text: string; values: unknown[] } {
  const columns = ['id', ...schema.fields.map((field) => field.name), 'document'];
  const values: unknown[] = [];
  const rows = documents.map((document) => {
    const row = [document.id, ...schema.fields.map((field) => document[field.name] ?? null), JSON.stringify(document)];
    const placeholders = row.map((value) => `$${values.push(value)}`);
    return `(${placeholders.join(', ')})`;
  });
  const updates = columns.filter((column) => column !== 'id').map((column) => `${quoteIdentifier(column)} = EXCLUDED.${quoteIdentifier(column)}`);
  return {
    text: `INSERT INTO ${searchTable(schema.name)} (${columns.map(quoteIdentifier).join(', ')}) VALUES ${rows.join(', ')}
           ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
    values,
  };
}

/** Sets only the given columns and merges them into the stored jsonb document; no row when the id is unknown. */
function updateStatement(schema: CollectionSchema, { id, ...fields }: DocumentUpdate): { text: string; values: unknown[] } {
  const values: unknown[] = [id];
  const assignments = Object.entries(fields).map(([name, value]) => `${quoteIdentifier(name)} = $${values.push(value)}`);
  values.push(JSON.stringify(fields));
  return {
    text: `UPDATE ${searchTable(schema.name)} SET ${assignments.join(', ')}, document = document || $${values.length}::jsonb WHERE id = $1`,
    values,
  };
}

/** The last document of each id: as in a Typesense import, a later line replaces an earlier one. */
function lastOfEachId(documents: SearchDocument[]): SearchDocument[] {
  return [...new Map(documents.map((document) => [document.id, document])).values()];
}

/**
 * A SearchIndex over PostgreSQL, for the native stack: one table per collection, full text plus
 * pg_trgm similarity for typo tolerance, facet counts by GROUP BY over the filtered result.
 */
export function createPostgresSearchIndex({ pool, schemas = [], wordSimilarityThreshold = 0.3 }: PostgresSearchIndexOptions): SearchIndex {
  if (!(wordSimilarityThreshold > 0 && wordSimilarityThreshold <= 1)) {
    throw new ThalwegError('THALWEG_CONFIG_INVALID', 'wordSimilarityThreshold must be above 0 and at most 1');
  }
  const searchBegin = `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL pg_trgm.word_similarity_threshold = ${wordSimilarityThreshold}`;
  const known = new Map(schemas.map((schema) => [schema.name, schema]));

  function schemaOf(collection: string): CollectionSchema {
    const schema = known.get(collection);
    if (!schema) throw new ThalwegError('THALWEG_INTERNAL', `search collection ${collection} is not known to this index`);
    return schema;
  }

  /** Runs `work` in one transaction on one connection; any failure is the store's unless `work` says otherwise. */
  async function inTransaction<T>(action: string, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await storeCall('connecting to PostgreSQL', pool.connect());
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw storeUnavailable(error, action);
    } finally {
      client.release(broken);
    }
  }

  /** Writes one document at a time under a savepoint, so a document PostgreSQL refuses fails alone. */
  async function upsertOneByOne(client: pg.PoolClient, schema: CollectionSchema, documents: SearchDocument[]): Promise<Map<string, string>> {
    const refused = new Map<string, string>();
    for (const document of documents) {
      await client.query('SAVEPOINT search_document');
      try {
        const { text, values } = upsertStatement(schema, [document]);
        await client.query(text, values);
        await client.query('RELEASE SAVEPOINT search_document');
      } catch (error) {
        if (!isPermanentPostgresError(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT search_document');
        refused.set(document.id, (error as Error).message);
      }
    }
    return refused;
  }

  return {
    async ensureCollection(schema) {
      await inTransaction(`creating search collection ${schema.name}`, 'BEGIN', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [DDL_LOCK]);
        // In public, where every generation's schema finds it (generationPool's shared schemas).
        await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
        for (const statement of collectionDdl(schema)) await client.query(statement);
      });
      known.set(schema.name, schema);
    },

    async upsertDocuments(collection, documents): Promise<UpsertOutcome[]> {
      const schema = schemaOf(collection);
      const problems = documents.map((document) => documentProblem(schema, document));
      const valid = lastOfEachId(documents.filter((_, index) => problems[index] === undefined));
      const refused = valid.length === 0 ? new Map<string, string>() : await inTransaction(`upserting into ${collection}`, 'BEGIN', async (client) => {
        // Fast path: a statement per chunk. A document PostgreSQL refuses (a NUL byte, a value out of
        // range) aborts it; the chunk is then redone one document at a time to find which.
        const found = new Map<string, string>();
        for (let start = 0; start < valid.length; start += UPSERT_CHUNK) {
          const chunk = valid.slice(start, start + UPSERT_CHUNK);
          await client.query('SAVEPOINT search_chunk');
          try {
            const { text, values } = upsertStatement(schema, chunk);
            await client.query(text, values);
            await client.query('RELEASE SAVEPOINT search_chunk');
          } catch (error) {
            if (!isPermanentPostgresError(error)) throw error;
            await client.query('ROLLBACK TO SAVEPOINT search_chunk');
            for (const [id, reason] of await upsertOneByOne(client, schema, chunk)) found.set(id, reason);
          }
        }
        return found;
      });
      return documents.map((document, index) => {
        const id = String((document as { id?: unknown })?.id ?? '');
        const reason = problems[index] ?? refused.get(id);
        return reason === undefined ? { id, ok: true } : { id, ok: false, reason };
      });
    },

    async updateDocuments(collection, updates): Promise<UpsertOutcome[]> {
      const schema = schemaOf(collection);
      const problems = updates.map((update) => updateProblem(schema, update));
      const refused = new Map<number, string>();
      if (problems.some((problem) => problem === undefined)) {
        // One statement per update, in input order (two updates of one id apply one after the
        // other), each under a savepoint so a value PostgreSQL refuses fails alone.
        await inTransaction(`updating ${collection}`, 'BEGIN', async (client) => {
          for (const [index, update] of updates.entries()) {
            if (problems[index] !== undefined) continue;
            await client.query('SAVEPOINT search_update');
            try {
              const { text, values } = updateStatement(schema, update);
              const { rowCount } = await client.query(text, values);
              await client.query('RELEASE SAVEPOINT search_update');
              if (rowCount === 0) refused.set(index, `no document ${update.id} in ${collection} to update`);
            } catch (error) {
              if (!isPermanentPostgresError(error)) throw error;
              await client.query('ROLLBACK TO SAVEPOINT search_update');
              refused.set(index, (error as Error).message);
            }
          }
        });
      }
      return updates.map((update, index) => {
        const id = String((update as { id?: unknown })?.id ?? '');
        const reason = problems[index] ?? refused.get(index);
        return reason === undefined ? { id, ok: true } : { id, ok: false, reason };
      });
    },

    async deleteDocuments(collection, ids) {
      const schema = schemaOf(collection);
      if (ids.length === 0) return 0;
      const { rowCount } = await storeCall(`deleting from ${collection}`, pool.query(`DELETE FROM ${searchTable(schema.name)} WHERE id = ANY($1)`, [ids]));
      return rowCount ?? 0;
    },

    async search(collection, query): Promise<SearchResult> {
      const schema = schemaOf(collection);
      const checked = checkSearchQuery(schema, query);
      if (checked.reach.kind === 'none') return emptyResult(checked);
      const statements = searchStatements(schema, checked);
      // One snapshot for the count, the page and the facets, so they agree with each other.
      // The threshold goes with BEGIN (one round trip, a checked number of ours, no client text).
      return inTransaction(`searching ${collection}`, searchBegin, async (client) => {
        const found = (await client.query<{ found: number }>(statements.count.text, statements.count.values)).rows[0]!.found;
        const page = await client.query<{ document: SearchDocument; score: number | null }>(statements.page.text, statements.page.values);
        const facetCounts: Record<string, FacetCount[]> = {};
        for (const facet of statements.facets) {
          facetCounts[facet.field] = (await client.query<FacetCount>(facet.text, facet.values)).rows.map(({ value, count }) => ({ value, count }));
        }
        return {
          found,
          hits: page.rows.map(({ document, score }) => (score === null ? { document } : { document, score })),
          facetCounts,
          page: checked.page,
        };
      });
    },
  };
}
