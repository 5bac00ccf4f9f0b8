import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../testing/index.ts';
import { loadCollectionSchema } from './collection-schema.ts';
import { parseFilter } from './filter-grammar.ts';
import { createPostgresSearchIndex } from './postgres-search-index.ts';
import type { SearchDocument, SearchIndex } from './search-index.ts';

const users = loadCollectionSchema('users');
const entries = loadCollectionSchema('entries');

const user = (id: string, tenant: string, name: string, fields: Partial<SearchDocument> = {}): SearchDocument => ({
  id,
  tenant,
  name,
  email: `${name.toLowerCase().replaceAll(' ', '.')}@example.test`,
  country: 'FR',
  kycState: 'approved',
  registeredAt: 1_600_000_000_000,
  ...fields,
});

const PEOPLE: SearchDocument[] = [
  user('a1', 'acme', 'John Smith', { country: 'FR', kycState: 'approved', registeredAt: 1_600_000_000_001 }),
  user('a2', 'acme', 'Johnny Walker', { country: 'FR', kycState: 'pending', registeredAt: 1_600_000_000_002 }),
  user('a3', 'acme', 'Jane Doe', { country: 'DE', kycState: 'approved', registeredAt: 1_600_000_000_003 }),
  user('a4', 'acme', 'Marie Curie', { country: 'FR', kycState: 'rejected', registeredAt: 1_600_000_000_004 }),
  user('a5', 'acme', 'Ada Lovelace', { country: 'GB', kycState: 'approved', registeredAt: 1_600_000_000_005 }),
  user('g1', 'globex', 'John Globex', { country: 'FR', kycState: 'approved', registeredAt: 1_600_000_000_006 }),
  user('g2', 'globex', "Robert'); DROP TABLE search_users; --", { country: 'FR', registeredAt: 1_600_000_000_007 }),
];

/** A database of this test's own with the users collection and the people above in it. */
async function seeded(t: TestContext): Promise<{ index: SearchIndex; pool: import('pg').Pool }> {
  const { pool } = await createTestDatabase(t, 'search');
  const index = createPostgresSearchIndex({ pool });
  await index.ensureCollection(users);
  await index.ensureCollection(users); // idempotent
  const outcomes = await index.upsertDocuments('users', PEOPLE);
  assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
  return { index, pool };
}

const ids = (result: { hits: Array<{ document: SearchDocument }> }) => result.hits.map((hit) => hit.document.id);

test('typo tolerance: "jonh" finds John, best match first, and nothing of another tenant', async (t) => {
  const { index } = await seeded(t);
  const result = await index.search('users', { q: 'jonh', tenantScope: ['acme'] });
  assert.ok(ids(result).includes('a1'), `jonh should find John Smith, found ${ids(result)}`);
  assert.ok(!ids(result).includes('g1'), 'John Globex belongs to globex');
  assert.ok(!ids(result).includes('a4') && !ids(result).includes('a5'), 'unrelated names do not match');
  assert.equal(result.found, result.hits.length);
  const exact = await index.search('users', { q: 'john smith', tenantScope: ['acme'] });
  assert.equal(ids(exact)[0], 'a1', 'the full-text match ranks first');
  assert.ok(exact.hits[0]!.score! > 0);
});

test('facet counts are over the filtered result, per facet field', async (t) => {
  const { index } = await seeded(t);
  const result = await index.search('users', { q: '*', tenantScope: ['acme'], facetBy: ['country', 'kycState'], filter: parseFilter('country:[FR,DE]', users) });
  assert.equal(result.found, 4);
  assert.deepEqual(result.facetCounts.country, [{ value: 'FR', count: 3 }, { value: 'DE', count: 1 }]);
  assert.deepEqual(result.facetCounts.kycState, [
    { value: 'approved', count: 2 },
    { value: 'pending', count: 1 },
    { value: 'rejected', count: 1 },
  ]);
});

test('filters: equality, lists, ranges and not-equal, compiled with parameters', async (t) => {
  const { index } = await seeded(t);
  const search = (filter: string) => index.search('users', { q: '', tenantScope: ['acme'], filter: parseFilter(filter, users), sortBy: { field: 'registeredAt', direction: 'asc' } });
  assert.deepEqual(ids(await search('country:=FR && kycState:[approved,pending]')), ['a1', 'a2']);
  assert.deepEqual(ids(await search('registeredAt:>=1600000000003 && registeredAt:<1600000000005')), ['a3', 'a4']);
  assert.deepEqual(ids(await search('kycState:!=approved')), ['a2', 'a4']);
  assert.deepEqual(ids(await search('country:=FR && kycState:=rejected && registeredAt:<=1600000000004')), ['a4']);
});

test('cross-tenant documents are never returned: scope acme, globex, every tenant, nothing', async (t) => {
  const { index } = await seeded(t);
  const acme = await index.search('users', { q: 'john', tenantScope: ['acme'], perPage: 250 });
  assert.ok(['a1', 'a2'].every((id) => ids(acme).includes(id)), 'both acme Johns found');
  assert.ok(acme.hits.every((hit) => hit.document.tenant === 'acme'));
  const globex = await index.search('users', { q: '*', tenantScope: ['globex'], perPage: 250 });
  assert.deepEqual(ids(globex).sort(), ['g1', 'g2']);
  const every = await index.search('users', { q: '*', tenantScope: ['*'], perPage: 250 });
  assert.equal(every.found, PEOPLE.length);
  const nothing = await index.search('users', { q: '*', tenantScope: [], facetBy: ['country'] });
  assert.deepEqual(nothing, { found: 0, hits: [], facetCounts: { country: [] }, page: 1 });
  // A filter naming the tenant is refused: the scope is the policy's alone.
  assert.throws(() => parseFilter('tenant:=globex', users), { code: 'THALWEG_VALIDATION_FAILED' });
});

test('injection attempts in q and in filters find nothing unexpected and break nothing', async (t) => {
  const { index, pool } = await seeded(t);
  const attacks = ["'; DROP TABLE search_users; --", "' OR 1=1 --", '%', '_', '\\', "john' OR tenant='globex", '!!! && || :( ) <%', 'ZZZ\u200bqq'];
  for (const q of attacks) {
    const result = await index.search('users', { q, tenantScope: ['acme'], perPage: 250 });
    assert.ok(result.hits.every((hit) => hit.document.tenant === 'acme'), `q ${JSON.stringify(q)} stays in acme`);
    assert.ok(result.found < 5, `q ${JSON.stringify(q)} does not match everything (found ${result.found})`);
  }
  const filters = ['country:="FR\' OR \'1\'=\'1"', 'country:="%"', 'country:="_"', 'country:="FR; DROP TABLE search_users"', 'country:="Zürich 東京"'];
  for (const filter of filters) {
    const result = await index.search('users', { q: '*', tenantScope: ['acme'], filter: parseFilter(filter, users) });
    assert.equal(result.found, 0, `${filter} is one literal value that no country has`);
  }
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM search_users');
  assert.equal(rows[0]!.count, PEOPLE.length, 'the table is intact');
  const dropper = await index.search('users', { q: 'DROP TABLE', tenantScope: ['globex'] });
  assert.deepEqual(ids(dropper), ['g2'], 'a name full of SQL is just text');
});

test('pagination: pages of a stable order, found the same on every page', async (t) => {
  const { index } = await seeded(t);
  const page = (n: number) => index.search('users', { q: '', tenantScope: ['acme'], sortBy: { field: 'registeredAt', direction: 'desc' }, page: n, perPage: 2 });
  const [first, second, third, fourth] = await Promise.all([page(1), page(2), page(3), page(4)]);
  assert.deepEqual([ids(first!), ids(second!), ids(third!), ids(fourth!)], [['a5', 'a4'], ['a3', 'a2'], ['a1'], []]);
  assert.ok([first, second, third, fourth].every((result) => result!.found === 5));
  assert.equal(third!.page, 3);
  await assert.rejects(index.search('users', { q: '', tenantScope: ['acme'], perPage: 251 }), { code: 'THALWEG_VALIDATION_FAILED' });
  // PostgreSQL refuses a NUL in text: a client's mistake (400), not a store failure (503).
  await assert.rejects(index.search('users', { q: 'john\u0000', tenantScope: ['acme'] }), { code: 'THALWEG_VALIDATION_FAILED' });
});

test('delete removes documents by id; unknown ids are not an error', async (t) => {
  const { index } = await seeded(t);
  assert.equal(await index.deleteDocuments('users', ['a1', 'g1', 'nobody']), 2);
  const result = await index.search('users', { q: 'john', tenantScope: ['*'] });
  assert.ok(!ids(result).includes('a1') && !ids(result).includes('g1'));
  assert.ok(ids(result).includes('a2'));
});

test('an upsert replaces by id, and a bad document fails alone while the others are stored', async (t) => {
  const { pool } = await createTestDatabase(t, 'search');
  const index = createPostgresSearchIndex({ pool, schemas: [] });
  await index.ensureCollection(entries);
  const entry = (id: string, fields: Partial<SearchDocument> = {}): SearchDocument => ({
    id, tenant: 'acme', walletId: 'w1', reference: `payment ${id}`, amountMinor: 1_250, currency: 'EUR', direction: 'credit', occurredAt: 1_700_000_000_000, ...fields,
  });
  const { amountMinor: _missing, ...withoutAmount } = entry('e2');
  const outcomes = await index.upsertDocuments('entries', [
    entry('e1'),
    withoutAmount as SearchDocument,
    entry('e3', { reference: 'nul \u0000 byte' }), // refused by PostgreSQL itself, found by the one-by-one retry
    entry('e4', { amountMinor: '12' }),
    entry('e5'),
    entry('e1', { reference: 'coffee' }), // a later line with the same id replaces the earlier one
  ]);
  assert.deepEqual(outcomes.map((outcome) => [outcome.id, outcome.ok]), [['e1', true], ['e2', false], ['e3', false], ['e4', false], ['e5', true], ['e1', true]]);
  assert.match((outcomes[1] as { reason: string }).reason, /amountMinor is required/);
  assert.match((outcomes[3] as { reason: string }).reason, /amountMinor must be an integer/);
  assert.ok((outcomes[2] as { reason: string }).reason.length > 0);
  const all = await index.search('entries', { q: '*', tenantScope: ['acme'], sortBy: { field: 'amountMinor', direction: 'asc' }, facetBy: ['currency'] });
  assert.deepEqual(ids(all).sort(), ['e1', 'e5']);
  assert.equal(all.hits.find((hit) => hit.document.id === 'e1')!.document.reference, 'coffee');
  assert.deepEqual(all.facetCounts.currency, [{ value: 'EUR', count: 2 }]);
  const typo = await index.search('entries', { q: 'cofee', tenantScope: ['acme'] });
  assert.deepEqual(ids(typo), ['e1']);
});

test('an update changes only the given columns and the stored document; a missing or bad update fails alone', async (t) => {
  const { index, pool } = await seeded(t);
  const outcomes = await index.updateDocuments('users', [
    { id: 'a1', name: 'Jon Smyth', country: 'BE' },
    { id: 'nobody', kycState: 'approved' },
    { id: 'a2', name: 'Nul\u0000Byte' },
    { id: 'a3', tenant: 'globex' },
    { id: 'a3', registeredAt: 'yesterday' },
    { id: 'a1', kycState: 'submitted' },
    { id: 'a1', kycState: 'in_review' },
  ]);
  assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, false, false, false, false, true, true]);
  assert.match((outcomes[1] as { reason: string }).reason, /no document nobody in users/);
  assert.match((outcomes[2] as { reason: string }).reason, /0x00/);
  assert.equal((outcomes[3] as { reason: string }).reason, 'tenant cannot be updated');
  assert.equal((outcomes[4] as { reason: string }).reason, 'registeredAt must be an integer');

  const { rows } = await pool.query('SELECT name, country, "kycState", tenant, document FROM search_users WHERE id = $1', ['a1']);
  assert.deepEqual(rows[0], {
    name: 'Jon Smyth',
    country: 'BE',
    kycState: 'in_review',
    tenant: 'acme',
    document: { ...PEOPLE[0], name: 'Jon Smyth', country: 'BE', kycState: 'in_review' },
  });
  const found = await index.search('users', { q: 'smyth', tenantScope: ['acme'] });
  assert.deepEqual(ids(found), ['a1'], 'the text vector follows the updated name');
  const untouched = await index.search('users', { q: '*', tenantScope: ['acme'], filter: parseFilter('kycState:=pending', users) });
  assert.deepEqual(ids(untouched), ['a2'], 'the refused update left a2 as it was');
  assert.deepEqual(await index.updateDocuments('users', [{ id: 'a1', kycState: 'in_review' }]), [{ id: 'a1', ok: true }], 'the same update again changes nothing and succeeds');
});

test('a query on an unknown field, facet or sort is a validation error naming the part', async (t) => {
  const { index } = await seeded(t);
  await assert.rejects(index.search('users', { q: 'x', queryBy: ['password'], tenantScope: ['acme'] }), (error: { fields: Array<{ field: string }> }) => error.fields[0]!.field === 'query.queryBy');
  await assert.rejects(index.search('users', { q: 'x', facetBy: ['email'], tenantScope: ['acme'] }), (error: { fields: Array<{ field: string }> }) => error.fields[0]!.field === 'query.facetBy');
  await assert.rejects(index.search('users', { q: 'x', sortBy: { field: 'name', direction: 'asc' }, tenantScope: ['acme'] }), (error: { fields: Array<{ field: string }> }) => error.fields[0]!.field === 'query.sortBy');
  await assert.rejects(index.search('users', { q: 'x', tenantScope: ['acme', '*'] }), { code: 'THALWEG_VALIDATION_FAILED' });
});
