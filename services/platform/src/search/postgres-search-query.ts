import { TENANT_FIELD, type CollectionSchema } from './collection-schema.ts';
import { searchTable, textWeights } from './postgres-search-ddl.ts';
import type { CheckedQuery } from './search-query.ts';
import { quoteIdentifier, sqlFilter } from './sql-filter.ts';

/** The statements of one search: they share the WHERE clause and its parameters. */
export interface SearchStatements {
  count: { text: string; values: unknown[] };
  page: { text: string; values: unknown[] };
  facets: Array<{ field: string; text: string; values: unknown[] }>;
}

// As many values per facet as Typesense answers by default (max_facet_values).
const FACET_VALUES = 10;

/**
 * Builds a search: the tenant scope (from the policy, never the client) AND the compiled client
 * filter AND, when there is text, a full-text match OR a trigram word similarity on each queried
 * field, so "jonh" still finds "John". Every client value is a parameter.
 */
export function searchStatements(schema: CollectionSchema, query: CheckedQuery): SearchStatements {
  const table = searchTable(schema.name);
  const values: unknown[] = [];
  const parameter = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions: string[] = [];
  if (query.reach.kind === 'tenants') conditions.push(`${quoteIdentifier(TENANT_FIELD)} = ANY(${parameter(query.reach.tenants)})`);
  if (query.filter.clauses.length > 0) {
    const fragment = sqlFilter(query.filter, { firstParameter: values.length + 1 });
    values.push(...fragment.values);
    conditions.push(fragment.text);
  }
  let score = 'NULL::real';
  if (query.text !== '') {
    const text = parameter(query.text);
    const tsquery = `websearch_to_tsquery('simple', ${text})`;
    const weights = textWeights(schema);
    const queried = query.queryBy.map((name) => quoteIdentifier(name));
    // The generated vector covers every text field; ts_filter keeps the queried fields' weights only.
    const vector = query.queryBy.length === weights.size ? 'search_vector' : `ts_filter(search_vector, '{${query.queryBy.map((name) => weights.get(name)!.toLowerCase()).join(',')}}')`;
    const fullText = vector === 'search_vector' ? `search_vector @@ ${tsquery}` : `(search_vector @@ ${tsquery} AND ${vector} @@ ${tsquery})`;
    conditions.push(`(${[fullText, ...queried.map((column) => `${text} <% ${column}`)].join(' OR ')})`);
    score = `(ts_rank(${vector}, ${tsquery}) + GREATEST(${queried.map((column) => `word_similarity(${text}, coalesce(${column}, ''))`).join(', ')}))`;
  }
  const where = conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');
  const order = query.sortBy
    ? `${quoteIdentifier(query.sortBy.field)} ${query.sortBy.direction === 'asc' ? 'ASC' : 'DESC'}`
    : query.text !== ''
      ? 'score DESC'
      : `${quoteIdentifier(schema.default_sorting_field)} DESC`;
  const limit = `$${values.length + 1}`;
  const offset = `$${values.length + 2}`;
  return {
    count: { text: `SELECT count(*)::int AS found FROM ${table} WHERE ${where}`, values },
    page: {
      text: `SELECT document, ${score} AS score FROM ${table} WHERE ${where} ORDER BY ${order}, id LIMIT ${limit} OFFSET ${offset}`,
      values: [...values, query.perPage, (query.page - 1) * query.perPage],
    },
    facets: query.facetBy.map((field) => ({
      field,
      text: `SELECT ${quoteIdentifier(field)}::text AS value, count(*)::int AS count FROM ${table}
             WHERE ${where} AND ${quoteIdentifier(field)} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_VALUES}`,
      values,
    })),
  };
}
