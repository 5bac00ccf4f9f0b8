import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCollectionSchema } from '@thalweg/platform/search';
import { parseSearchParams } from './search-params.ts';

const users = loadCollectionSchema('users');

const fieldOf = (query: Record<string, unknown>): string | undefined => {
  try {
    parseSearchParams(query, users);
    return undefined;
  } catch (error) {
    return `${(error as Error).message} ${JSON.stringify(error)}`;
  }
};

test('parameters become a search query; the tenant scope is never among them', () => {
  const parsed = parseSearchParams({ q: 'jonh', filter: 'country:=FR', facets: 'country, kycState,country', sort: 'registeredAt:desc', page: '2', perPage: '25' }, users);
  assert.deepEqual(parsed, {
    q: 'jonh',
    filter: { clauses: [{ field: 'country', operator: '=', value: 'FR' }] },
    facetBy: ['country', 'kycState'],
    sortBy: { field: 'registeredAt', direction: 'desc' },
    page: 2,
    perPage: 25,
  });
  assert.deepEqual(parseSearchParams({}, users), { q: '', facetBy: [] });
});

test('every wrong parameter is named: query.<param>', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ filter: 'tenant:=acme' }, 'query.filter'],
    [{ facets: 'tenant' }, 'query.facets'],
    [{ sort: 'name:asc' }, 'query.sort'],
    [{ sort: 'registeredAt:up' }, 'query.sort'],
    [{ page: '0' }, 'query.page'],
    [{ page: '1001' }, 'query.page'],
    [{ perPage: '101' }, 'query.perPage'],
    [{ perPage: '1e2' }, 'query.perPage'],
    [{ q: ['a', 'b'] }, 'query.q'],
    [{ tenantScope: '*' }, 'query.tenantScope'],
  ];
  for (const [query, field] of cases) assert.ok(fieldOf(query)?.includes(field), `${JSON.stringify(query)} should name ${field}: ${fieldOf(query)}`);
});
