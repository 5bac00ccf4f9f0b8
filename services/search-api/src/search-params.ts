import { validationError } from '@thalweg/platform/errors';
import { parseFields } from '@thalweg/platform/http';
import { facetFields, filterLimits, parseFilter, searchLimits, sortableFields, type CollectionSchema, type SearchQuery } from '@thalweg/platform/search';

/** Pages a client may ask for at once: a search API answers people, not exports. */
export const MAX_PER_PAGE = 100;

const wholeNumber = (max: number) => ({ type: 'string', required: false, pattern: new RegExp(`^[1-9]\\d{0,${String(max).length - 1}}$`), patternHint: `must be an integer from 1 to ${max}` }) as const;

// Every parameter once, as text: a repeated one (an array) or an unknown one is named and refused.
const rules = {
  q: { type: 'string', required: false, maxLength: searchLimits.maxQueryLength },
  filter: { type: 'string', required: false, maxLength: filterLimits.maxLength },
  facets: { type: 'string', required: false, maxLength: 200 },
  sort: { type: 'string', required: false, maxLength: 100 },
  page: wholeNumber(searchLimits.maxPage),
  perPage: wholeNumber(MAX_PER_PAGE),
} as const;

function bounded(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (value > max) throw validationError([{ field: `query.${name}`, message: `must be an integer from 1 to ${max}` }]);
  return value;
}

/**
 * The client's part of a search, checked against the collection: every wrong parameter is a 400
 * naming `query.<param>`. The tenant scope is not a parameter: the caller adds it from the policy.
 */
export function parseSearchParams(query: unknown, schema: CollectionSchema): Omit<SearchQuery, 'tenantScope'> {
  const params = parseFields(query, rules, 'query');
  const facetNames = facetFields(schema).map((field) => field.name);
  const facetBy = params.facets === undefined ? [] : [...new Set(params.facets.split(',').map((name) => name.trim()).filter(Boolean))];
  const unknownFacet = facetBy.find((name) => !facetNames.includes(name));
  if (unknownFacet !== undefined) throw validationError([{ field: 'query.facets', message: `${unknownFacet} is not a facet; facets are ${facetNames.join(', ')}` }]);
  let sortBy: SearchQuery['sortBy'];
  if (params.sort !== undefined) {
    const sortable = sortableFields(schema).map((field) => field.name);
    const [field = '', direction = 'asc', ...rest] = params.sort.split(':');
    if (!sortable.includes(field) || (direction !== 'asc' && direction !== 'desc') || rest.length > 0) {
      throw validationError([{ field: 'query.sort', message: `must be field:asc or field:desc with a field among ${sortable.join(', ')}` }]);
    }
    sortBy = { field, direction };
  }
  const page = bounded('page', params.page, searchLimits.maxPage);
  const perPage = bounded('perPage', params.perPage, MAX_PER_PAGE);
  return {
    q: params.q ?? '',
    ...(params.filter === undefined || params.filter.trim() === '' ? {} : { filter: parseFilter(params.filter, schema) }),
    facetBy,
    ...(sortBy ? { sortBy } : {}),
    ...(page === undefined ? {} : { page }),
    ...(perPage === undefined ? {} : { perPage }),
  };
}
