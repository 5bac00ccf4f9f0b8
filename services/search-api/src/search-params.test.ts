import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { requestValidator } from '@thalweg/platform/http';
import { loadCollectionSchema } from '@thalweg/platform/search';
import { toSearchQuery } from './search-params.ts';
import { searchContract } from './search-routes.ts';

const users = loadCollectionSchema('users');
const validate = requestValidator(searchContract(users));

/** The search as its route reads it: the query string's parameters checked against the contract, then the query built. */
const search = (query: Record<string, unknown>) => toSearchQuery(validate({ params: {}, query, header: () => undefined, body: undefined } as unknown as Request).query, users);

const fieldsOf = (query: Record<string, unknown>): string[] => {
  try {
    search(query);
    return [];
  } catch (error) {
    return (error as { fields: Array<{ field: string }> }).fields.map((entry) => entry.field);
  }
};

test('parameters become a search query; the tenant scope is never among them', () => {
  const parsed = search({ q: 'jonh', filter: 'country:=FR', facets: 'country, kycState,country', sort: 'registeredAt:desc', page: '2', perPage: '25' });
  assert.deepEqual(parsed, {
    q: 'jonh',
    filter: { clauses: [{ field: 'country', operator: '=', value: 'FR' }] },
    facetBy: ['country', 'kycState'],
    sortBy: { field: 'registeredAt', direction: 'desc' },
    page: 2,
    perPage: 25,
  });
  assert.deepEqual(search({}), { q: '', facetBy: [] });
});

test('every wrong parameter is named: query.<param>', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ filter: 'tenant:=acme' }, 'query.filter'],
    [{ facets: 'tenant' }, 'query.facets'],
    [{ facets: 'countrykycState' }, 'query.facets'],
    [{ sort: 'name:asc' }, 'query.sort'],
    [{ sort: 'registeredAt:up' }, 'query.sort'],
    [{ page: '0' }, 'query.page'],
    [{ page: '1001' }, 'query.page'],
    [{ perPage: '101' }, 'query.perPage'],
    [{ perPage: '1e2' }, 'query.perPage'],
    [{ perPage: '007' }, 'query.perPage'],
    [{ q: ['a', 'b'] }, 'query.q'],
    [{ tenantScope: '*' }, 'query.tenantScope'],
  ];
  for (const [query, field] of cases) assert.deepEqual(fieldsOf(query), [field], `${JSON.stringify(query)} should name ${field} alone`);
});

test('the facets and sorts a collection has are what its contract takes, no more', () => {
  const { query } = searchContract(users);
  assert.deepEqual(query.properties.sort.enum, ['registeredAt:asc', 'registeredAt:desc']);
  assert.deepEqual(fieldsOf({ facets: 'kycState,country', sort: 'registeredAt:asc' }), []);
  assert.deepEqual(fieldsOf({ facets: '' }), [], 'no facet asked for');
  // The document says what the search refuses: the contract alone refuses a control character.
  assert.throws(
    () => validate({ params: {}, query: { q: 'ada\u000elovelace' }, header: () => undefined, body: undefined } as unknown as Request),
    (error: { fields: Array<{ field: string; message: string }> }) => error.fields[0]?.field === 'query.q' && error.fields[0].message === 'must hold no control characters',
  );
});
