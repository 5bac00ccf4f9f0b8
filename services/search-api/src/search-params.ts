import Type, { type Static } from 'typebox';
import { PATTERN_HINT } from '@thalweg/platform/http';
import { facetFields, filterLimits, parseFilter, searchLimits, sortableFields, type CollectionSchema, type SearchQuery } from '@thalweg/platform/search';

/** Pages a client may ask for at once: a search API answers people, not exports. */
export const MAX_PER_PAGE = 100;

const alternatives = (names: string[]) => names.map((name) => name.replace(/[^A-Za-z0-9_]/g, '')).join('|');

/**
 * A collection's search parameters. Every parameter once, as text; a repeated one (an array) or
 * an unknown one is named and refused. The facets and sort fields are the collection's own, so the
 * document says exactly which are taken. The filter's grammar (docs/search.md) is checked by the
 * route: no schema keyword says it.
 */
export function searchParamsSchema(schema: CollectionSchema) {
  const facets = facetFields(schema).map((field) => field.name);
  const sortable = sortableFields(schema).map((field) => field.name);
  const facet = `(?:${alternatives(facets)})`;
  return Type.Object(
    {
      q: Type.Optional(Type.String({ maxLength: searchLimits.maxQueryLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$', [PATTERN_HINT]: 'must hold no control characters', description: 'Free text, typo-tolerant; empty or * matches everything.' })),
      filter: Type.Optional(Type.String({ maxLength: filterLimits.maxLength, description: 'Clauses joined with && (docs/search.md), e.g. field:=value && number:>=100; one outside that grammar, or on a field the collection does not filter on, is a 400.' })),
      facets: Type.Optional(
        Type.String({
          maxLength: 200,
          pattern: `^(?: *${facet} *(?:, *${facet} *)*)?$`,
          [PATTERN_HINT]: `must be a comma list of ${facets.join(', ')}`,
          description: `Comma list of ${facets.join(', ')}.`,
        }),
      ),
      sort: Type.Optional(Type.Enum(sortable.flatMap((field) => [`${field}:asc`, `${field}:desc`]), { description: 'field:asc or field:desc; relevance by default.' })),
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: searchLimits.maxPage, default: 1 })),
      perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: searchLimits.defaultPerPage })),
    },
    { additionalProperties: false },
  );
}

export type SearchParams = Static<ReturnType<typeof searchParamsSchema>>;

/** The client's part of a search, validated; the tenant scope is not among it: the caller adds it from the policy. */
export function toSearchQuery(params: SearchParams, schema: CollectionSchema): Omit<SearchQuery, 'tenantScope'> {
  const [field, direction] = (params.sort ?? '').split(':') as [string, 'asc' | 'desc'];
  return {
    q: params.q ?? '',
    ...(params.filter === undefined || params.filter.trim() === '' ? {} : { filter: parseFilter(params.filter, schema) }),
    facetBy: params.facets === undefined ? [] : [...new Set(params.facets.split(',').map((name) => name.trim()).filter(Boolean))],
    ...(params.sort ? { sortBy: { field, direction } } : {}),
    ...(params.page === undefined ? {} : { page: params.page }),
    ...(params.perPage === undefined ? {} : { perPage: params.perPage }),
  };
}
