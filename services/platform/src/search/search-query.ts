import { validationError, type FieldProblem } from '../errors/index.ts';
import { facetFields, sortableFields, textFields, type CollectionSchema } from './collection-schema.ts';
import { checkFilter, type FilterExpression } from './filter-grammar.ts';
import type { SearchQuery, SortOrder } from './search-index.ts';
import { scopeReach, type ScopeReach } from './tenant-scope.ts';

export const searchLimits = {
  maxQueryLength: 200, // characters of q
  maxPerPage: 250, // Typesense's own maximum
  maxPage: 1_000,
  defaultPerPage: 10,
} as const;

/** A search query checked against its collection, with the defaults filled in. */
export interface CheckedQuery {
  /** Trimmed; '' when every document matches (the client sent nothing or `*`). */
  text: string;
  queryBy: string[];
  filter: FilterExpression;
  reach: ScopeReach;
  facetBy: string[];
  sortBy?: SortOrder;
  page: number;
  perPage: number;
}

const isWhole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

/** Checks every part of a query against the collection, naming each wrong part by its path. */
export function checkSearchQuery(schema: CollectionSchema, query: SearchQuery): CheckedQuery {
  const problems: FieldProblem[] = [];
  const text = typeof query.q === 'string' ? query.q.trim() : '';
  if (typeof query.q !== 'string') problems.push({ field: 'query.q', message: 'must be a string' });
  if (text.length > searchLimits.maxQueryLength) problems.push({ field: 'query.q', message: `must have at most ${searchLimits.maxQueryLength} characters` });
  // PostgreSQL refuses a NUL in text outright; no control character means anything to a search.
  if (/[\u0000-\u001f\u007f]/u.test(text)) problems.push({ field: 'query.q', message: 'must hold no control characters' });
  const texts = textFields(schema).map((field) => field.name);
  const queryBy = query.queryBy && query.queryBy.length > 0 ? query.queryBy : texts;
  for (const name of queryBy) if (!texts.includes(name)) problems.push({ field: 'query.queryBy', message: `${name} is not a text field of ${schema.name}` });
  const facets = facetFields(schema).map((field) => field.name);
  const facetBy = query.facetBy ?? [];
  for (const name of facetBy) if (!facets.includes(name)) problems.push({ field: 'query.facetBy', message: `${name} is not a facet of ${schema.name}` });
  const sortable = sortableFields(schema).map((field) => field.name);
  if (query.sortBy && (!sortable.includes(query.sortBy.field) || !['asc', 'desc'].includes(query.sortBy.direction))) {
    problems.push({ field: 'query.sortBy', message: `must be one of ${sortable.join(', ')} with asc or desc` });
  }
  const page = query.page ?? 1;
  if (!isWhole(page, 1, searchLimits.maxPage)) problems.push({ field: 'query.page', message: `must be an integer from 1 to ${searchLimits.maxPage}` });
  const perPage = query.perPage ?? searchLimits.defaultPerPage;
  if (!isWhole(perPage, 1, searchLimits.maxPerPage)) problems.push({ field: 'query.perPage', message: `must be an integer from 1 to ${searchLimits.maxPerPage}` });
  if (problems.length > 0) throw validationError(problems);
  const filter = query.filter ?? { clauses: [] };
  checkFilter(filter, schema);
  return {
    text: text === '*' ? '' : text,
    queryBy: [...new Set(queryBy)],
    filter,
    reach: scopeReach(query.tenantScope),
    facetBy: [...new Set(facetBy)],
    sortBy: query.sortBy,
    page,
    perPage,
  };
}

/** The answer to a search whose scope sees no tenant: nothing, without asking the backend. */
export function emptyResult(query: CheckedQuery): { found: 0; hits: []; facetCounts: Record<string, []>; page: number } {
  return { found: 0, hits: [], facetCounts: Object.fromEntries(query.facetBy.map((name) => [name, []])), page: query.page };
}
