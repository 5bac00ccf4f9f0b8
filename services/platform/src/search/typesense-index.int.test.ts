/**
 * The Typesense adapter against the real Typesense of the stack (`stack.sh up typesense`, the
 * version compose runs): collections and aliases, imports and their per-line answers, partial
 * updates, deletes by id, search with the tenant scope, filters, facets, sort and typos.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startTypesenseProcess, testTypesense, typesensePrefixOfTest, waitFor } from '../testing/index.ts';
import { loadCollectionSchema, type CollectionSchema } from './collection-schema.ts';
import { parseFilter } from './filter-grammar.ts';
import type { SearchDocument } from './search-index.ts';
import { TENANT_KEY_FIELD, tenantKey } from './typesense-filter.ts';
import { createTypesenseIndex } from './typesense-index.ts';

const users = loadCollectionSchema('users');

/** Typesense's own REST API, to see what the adapter left there. */
async function typesense<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, testTypesense.url), {
    method,
    headers: { 'X-TYPESENSE-API-KEY': testTypesense.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const stored = async (collection: string, id: string) => typesense<Record<string, unknown>>('GET', `/collections/${collection}/documents/${encodeURIComponent(id)}`);

async function setUp(t: TestContext) {
  const schema: CollectionSchema = { ...users, name: `${typesensePrefixOfTest(t, 'index')}_users` };
  const index = createTypesenseIndex({ url: testTypesense.url, apiKey: testTypesense.apiKey, retries: 0, timeout: 5_000 });
  return { schema, index };
}

const user = (id: string, tenant: string, fields: Partial<SearchDocument> = {}): SearchDocument => ({
  id,
  tenant,
  name: `User ${id}`,
  email: `${id}@example.test`,
  country: 'FR',
  kycState: 'approved',
  registeredAt: 1_690_000_000_000,
  ...fields,
});

test('ensureCollection creates <name>_v1 from the schema file and points the alias at it, once', async (t) => {
  const { schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  assert.deepEqual((await index.upsertDocuments(schema.name, [user('kept', 'acme')])).map((outcome) => outcome.ok), [true]);
  await index.ensureCollection(schema);

  const alias = await typesense<{ collection_name: string }>('GET', `/aliases/${schema.name}`);
  assert.equal(alias.body.collection_name, `${schema.name}_v1`);
  const collection = await typesense<{ num_documents: number; fields: Array<{ name: string; type: string; facet: boolean; sort: boolean }>; default_sorting_field: string }>('GET', `/collections/${schema.name}_v1`);
  assert.equal(collection.body.num_documents, 1, 'the second call found the alias and left the collection as it was');
  assert.equal(collection.body.default_sorting_field, 'registeredAt');
  const fields = Object.fromEntries(collection.body.fields.map((field) => [field.name, { type: field.type, facet: field.facet }]));
  assert.deepEqual(fields, {
    tenant: { type: 'string', facet: true },
    name: { type: 'string', facet: false },
    email: { type: 'string', facet: false },
    country: { type: 'string', facet: true },
    kycState: { type: 'string', facet: true },
    registeredAt: { type: 'int64', facet: false },
    [TENANT_KEY_FIELD]: { type: 'string', facet: false },
  });
});

test('an index of a later generation writes its own collection and leaves the alias where it is', async (t) => {
  const { schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  await index.upsertDocuments(schema.name, [user('old', 'acme', { name: 'Old Generation' })]);
  const next = createTypesenseIndex({ url: testTypesense.url, apiKey: testTypesense.apiKey, retries: 0, generation: 1 });
  await next.ensureCollection(schema);
  await next.upsertDocuments(schema.name, [user('new', 'acme', { name: 'New Generation' })]);

  assert.equal((await stored(`${schema.name}_v2`, 'new')).status, 200, 'written to users_v2 itself');
  assert.equal((await stored(`${schema.name}_v1`, 'new')).status, 404);
  assert.equal((await typesense<{ collection_name: string }>('GET', `/aliases/${schema.name}`)).body.collection_name, `${schema.name}_v1`);
  assert.deepEqual((await next.search(schema.name, { q: '*', tenantScope: ['acme'] })).hits.map((hit) => hit.document.id), ['old'], 'reads go through the alias');
  assert.equal(await next.deleteDocuments(schema.name, ['old', 'new']), 1, 'deletes too name its own collection');
});

test('upsert imports the valid documents and reads every answer line: a document refused locally or by Typesense fails alone', async (t) => {
  const { schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  // The index now knows country as optional while the collection requires it: only Typesense sees u3's gap.
  await index.ensureCollection({ ...schema, fields: schema.fields.map((field) => (field.name === 'country' ? { ...field, optional: true } : field)) });
  const { country: _country, ...countryless } = user('u3', 'acme');
  const { name: _name, ...nameless } = user('u4', 'acme');
  const documents = [user('u1', 'acme'), user('u2', 'acme'), countryless as SearchDocument, nameless as SearchDocument, user('u5', 'globex')];

  const outcomes = await index.upsertDocuments(schema.name, documents);

  assert.deepEqual(outcomes.map((outcome) => outcome.id), ['u1', 'u2', 'u3', 'u4', 'u5']);
  assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, true, false, false, true]);
  assert.match((outcomes[2] as { reason: string }).reason, /`country` has been declared in the schema, but is not found in the document\. \(400\)$/);
  assert.equal((outcomes[3] as { reason: string }).reason, 'name is required', 'checked before any request, with the same reason as the PostgreSQL backend');
  const document = await stored(schema.name, 'u5');
  assert.deepEqual(document.body, { ...user('u5', 'globex'), [TENANT_KEY_FIELD]: tenantKey('globex') }, 'written through the alias, with its tenant key');
  assert.deepEqual(await Promise.all(['u3', 'u4'].map(async (id) => (await stored(schema.name, id)).status)), [404, 404]);

  assert.deepEqual((await index.upsertDocuments(schema.name, [user('u1', 'acme', { name: 'Renamed' })])).map((outcome) => outcome.ok), [true]);
  assert.equal((await stored(schema.name, 'u1')).body.name, 'Renamed', 'an upsert replaces the document');
});

test('update changes the given fields only; a missing document and a bad update fail alone', async (t) => {
  const { schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  await index.upsertDocuments(schema.name, [user('p1', 'acme', { name: 'John Smith', country: 'FR' }), user('p2', 'acme')]);

  const outcomes = await index.updateDocuments(schema.name, [
    { id: 'p1', country: 'BE' },
    { id: 'missing', kycState: 'approved' },
    { id: 'p2', tenant: 'globex' },
    { id: 'p1', kycState: 'submitted' },
  ]);

  assert.deepEqual(outcomes, [
    { id: 'p1', ok: true },
    { id: 'missing', ok: false, reason: 'Could not find a document with id: missing (404)' },
    { id: 'p2', ok: false, reason: 'tenant cannot be updated' },
    { id: 'p1', ok: true },
  ]);
  const p1 = (await stored(schema.name, 'p1')).body;
  assert.deepEqual({ name: p1.name, country: p1.country, kycState: p1.kycState, tenant: p1.tenant, key: p1[TENANT_KEY_FIELD] }, { name: 'John Smith', country: 'BE', kycState: 'submitted', tenant: 'acme', key: tenantKey('acme') });
  assert.equal((await stored(schema.name, 'p2')).body.tenant, 'acme');
  assert.equal((await stored(schema.name, 'missing')).status, 404, 'an update never creates a document');
});

async function seeded(t: TestContext) {
  const context = await setUp(t);
  await context.index.ensureCollection(context.schema);
  const outcomes = await context.index.upsertDocuments(context.schema.name, [
    user('a1', 'acme', { name: 'John Smith', country: 'FR', kycState: 'approved', registeredAt: 1_600_000_000_000 }),
    user('a2', 'acme', { name: 'Johanna Berg', country: 'FR', kycState: 'pending', registeredAt: 1_650_000_000_000 }),
    user('a3', 'acme', { name: 'Jane Doe', country: 'DE', kycState: 'approved', registeredAt: 1_750_000_000_000 }),
    user('g1', 'globex', { name: 'John Globex', country: 'FR', kycState: 'approved', registeredAt: 1_600_000_000_000 }),
  ]);
  assert.ok(outcomes.every((outcome) => outcome.ok));
  return context;
}

test('search keeps to the tenant scope and the filter, with query_by, facets, sort and paging', async (t) => {
  const { schema, index } = await seeded(t);
  const filter = parseFilter('country:=FR && kycState:[approved,pending] && registeredAt:<1700000000000', schema);

  const result = await index.search(schema.name, {
    q: 'jo',
    queryBy: ['name'],
    filter,
    tenantScope: ['acme'],
    facetBy: ['kycState'],
    sortBy: { field: 'registeredAt', direction: 'desc' },
    page: 1,
    perPage: 5,
  });

  assert.equal(result.found, 2);
  assert.deepEqual(result.hits.map((hit) => hit.document.id), ['a2', 'a1'], 'newest first, globex\'s John left out');
  assert.equal(typeof result.hits[0]!.score, 'number');
  assert.equal(result.hits[0]!.document[TENANT_KEY_FIELD], undefined, 'the key stays inside the adapter');
  assert.deepEqual(
    [...result.facetCounts.kycState!].sort((a, b) => a.value.localeCompare(b.value)),
    [{ value: 'approved', count: 1 }, { value: 'pending', count: 1 }],
  );
  assert.equal(result.page, 1);
  const second = await index.search(schema.name, { q: '*', tenantScope: ['acme'], sortBy: { field: 'registeredAt', direction: 'asc' }, page: 2, perPage: 2 });
  assert.deepEqual({ found: second.found, ids: second.hits.map((hit) => hit.document.id), page: second.page }, { found: 3, ids: ['a3'], page: 2 });
});

test('typos are forgiven: jonh finds John Smith, with the facet counts of what it found', async (t) => {
  const { schema, index } = await seeded(t);
  const result = await index.search(schema.name, { q: 'jonh', tenantScope: ['acme'], facetBy: ['country'] });
  assert.deepEqual(result.hits.map((hit) => hit.document.name), ['John Smith']);
  assert.deepEqual(result.facetCounts.country, [{ value: 'FR', count: 1 }]);
  const strict = createTypesenseIndex({ url: testTypesense.url, apiKey: testTypesense.apiKey, numTypos: 0, schemas: [schema] });
  assert.equal((await strict.search(schema.name, { q: 'jonh', tenantScope: ['acme'] })).found, 0, 'num_typos reaches Typesense');
});

test('["*"] searches every tenant without a tenant clause; [] finds nothing without asking Typesense', async (t) => {
  const { schema, index } = await seeded(t);
  const every = await index.search(schema.name, { q: '*', tenantScope: ['*'], facetBy: ['country'] });
  assert.equal(every.found, 4);
  assert.deepEqual(every.facetCounts.country, [{ value: 'FR', count: 3 }, { value: 'DE', count: 1 }]);

  // Pointed at a port nothing listens on: any request would fail as the store unavailable.
  const nowhere = createTypesenseIndex({ url: `http://127.0.0.1:${await freePort()}`, apiKey: 'k', retries: 0, schemas: [schema] });
  assert.deepEqual(await nowhere.search(schema.name, { q: 'john', tenantScope: [], facetBy: ['country'] }), { found: 0, hits: [], facetCounts: { country: [] }, page: 1 });
});

test('the tenant scope is exact although Typesense matches strings loosely: acme never sees ACME, ac-me or Acmé', async (t) => {
  const { schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  const lookalikes = ['acme', 'ACME', 'ac-me', 'Acmé', 'a.c.m.e'];
  await index.upsertDocuments(schema.name, lookalikes.map((tenant, position) => user(`l${position}`, tenant)));

  const result = await index.search(schema.name, { q: '*', tenantScope: ['acme'], facetBy: ['country'] });
  assert.deepEqual(result.hits.map((hit) => hit.document.tenant), ['acme']);
  assert.deepEqual(result.facetCounts.country, [{ value: 'FR', count: 1 }]);
  // Why the key: a clause on the tenant itself lets lookalikes in.
  const loose = await typesense<{ found: number }>('GET', `/collections/${schema.name}/documents/search?q=*&query_by=name&filter_by=${encodeURIComponent('tenant:=[`acme`]')}`);
  assert.ok(loose.body.found > 1, `a filter on the tenant itself found ${loose.body.found}`);
});

test('client values reach filter_by only as backtick literals: injection attempts stay one value', async (t) => {
  const { schema, index } = await seeded(t);
  const attempts = ['"FR || tenant:=globex"', `"FR' ; DROP TABLE users; --"`, '"FR && tenant:=[globex]"', '"FR,DE"', '"100%_"', '"Zürich 東京"'];
  for (const value of attempts) {
    const result = await index.search(schema.name, { q: '*', filter: parseFilter(`country:=${value}`, schema), tenantScope: ['acme'] });
    assert.equal(result.found, 0, `${value} matches no country and no other tenant`);
  }
  assert.equal((await index.search(schema.name, { q: '*', filter: parseFilter('country:="FR"', schema), tenantScope: ['acme'] })).found, 2);
  assert.throws(() => parseFilter('country:=FR || tenant:=globex', schema), { code: 'THALWEG_VALIDATION_FAILED' });
  assert.throws(() => parseFilter('country:="a`b"', schema), /backtick/);
});

test('deleteDocuments deletes by id through the alias and reports the count', async (t) => {
  const { schema, index } = await seeded(t);
  assert.equal(await index.deleteDocuments(schema.name, ['a1', 'g1', 'missing']), 2);
  const left = await index.search(schema.name, { q: '*', tenantScope: ['*'] });
  assert.deepEqual(left.hits.map((hit) => hit.document.id).sort(), ['a2', 'a3']);
  // More ids than one delete request carries.
  const many = Array.from({ length: 230 }, (_, position) => user(`m${position}`, 'acme'));
  await index.upsertDocuments(schema.name, many);
  assert.equal(await index.deleteDocuments(schema.name, many.map((document) => document.id)), 230);
  assert.equal((await index.search(schema.name, { q: '*', tenantScope: ['*'] })).found, 2);
});

test('a wrong API key is our fault (not retriable); an unreachable Typesense is the store\'s (retriable)', async (t) => {
  const { schema } = await setUp(t);
  const wrongKey = createTypesenseIndex({ url: testTypesense.url, apiKey: 'not-the-key', retries: 0 });
  await assert.rejects(wrongKey.ensureCollection(schema), { code: 'THALWEG_INTERNAL', retriable: false });
  assert.equal((await typesense('GET', `/aliases/${schema.name}`)).status, 404, 'nothing was created');

  const unreachable = createTypesenseIndex({ url: `http://127.0.0.1:${await freePort()}`, apiKey: testTypesense.apiKey, retries: 0, timeout: 1_000 });
  await assert.rejects(unreachable.ensureCollection(schema), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true });
});

test('a collection the index was never told about is refused before any request', async () => {
  // Against a port nothing listens on: a request would have failed as the store unavailable instead.
  const index = createTypesenseIndex({ url: `http://127.0.0.1:${await freePort()}`, apiKey: 'k', retries: 0 });
  await assert.rejects(index.search('nowhere', { q: '*', tenantScope: ['acme'] }), { code: 'THALWEG_INTERNAL' });
  await assert.rejects(index.upsertDocuments('nowhere', [user('x', 'acme')]), { code: 'THALWEG_INTERNAL' });
});

test('documents written through the aliases survive a restart of Typesense', async (t) => {
  // Typesense 0.24 rebuilds its database from its log on a restart and lost documents written
  // through an alias there: several collections, so that such a loss cannot go unseen.
  const server = await startTypesenseProcess(t);
  const index = createTypesenseIndex({ url: server.url, apiKey: server.apiKey, retries: 0, timeout: 5_000 });
  const schemas = ['a', 'b', 'c', 'd', 'e'].map((name): CollectionSchema => ({ ...users, name: `users_${name}` }));
  for (const schema of schemas) {
    await index.ensureCollection(schema);
    assert.deepEqual((await index.upsertDocuments(schema.name, [user('kept', 'acme')])).map((outcome) => outcome.ok), [true]);
    assert.deepEqual((await index.updateDocuments(schema.name, [{ id: 'kept', country: 'BE' }])).map((outcome) => outcome.ok), [true]);
  }
  await server.stop();
  await server.start();
  const countries = () => Promise.all(schemas.map(async (schema) => (await index.search(schema.name, { q: '*', tenantScope: ['acme'] })).hits.map((hit) => hit.document.country)));
  await waitFor(async () => (await countries()).every((found) => found.length === 1), { timeout: 15_000, description: 'every collection has its document back' }).catch(async (error: unknown) => {
    assert.fail(`after the restart: ${JSON.stringify(await countries())} (${(error as Error).message})`);
  });
  assert.deepEqual(await countries(), schemas.map(() => ['BE']), 'the update survived too');
});
