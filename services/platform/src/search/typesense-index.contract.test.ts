/**
 * CONTRACT TESTS, not integration tests: Typesense cannot run on the hosts this project is built
 * on, so the Typesense adapter is tested against a local stand-in (typesense-contract-server.ts)
 * that answers with the request and response shapes of Typesense's documented API, v27.x/28.x
 * (Collections, Collection Alias, Documents: import and delete by query, Search). The tests assert
 * what the adapter sends (paths, query parameters, JSONL bodies, filter_by escaping, the API key
 * header) and how it reads the documented answers. They prove the adapter keeps to the documented
 * contract, not that a real Typesense behaves as documented: compose runs the real one.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { onCleanup, uniqueName } from '../testing/index.ts';
import { loadCollectionSchema, type CollectionSchema } from './collection-schema.ts';
import { parseFilter } from './filter-grammar.ts';
import type { SearchDocument } from './search-index.ts';
import { startTypesenseContractServer, type RecordedRequest } from './typesense-contract-server.ts';
import { tenantKey } from './typesense-filter.ts';
import { createTypesenseIndex } from './typesense-index.ts';

const users = loadCollectionSchema('users');

/** The users schema under a collection name of this test's own. */
function ownSchema(): CollectionSchema {
  return { ...users, name: uniqueName('users', '_').toLowerCase() };
}

async function setUp(t: TestContext, { retries = 0 } = {}) {
  const server = await startTypesenseContractServer({ apiKey: uniqueName('key') });
  onCleanup(t, () => server.close());
  const schema = ownSchema();
  const index = createTypesenseIndex({ url: server.url, apiKey: server.apiKey, retries, timeout: 2_000 });
  return { server, schema, index };
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

const last = (requests: RecordedRequest[], path: RegExp): RecordedRequest => {
  const found = requests.filter((request) => path.test(request.path)).at(-1);
  assert.ok(found, `no request to ${path}`);
  return found;
};

test('ensureCollection creates <name>_v1 from the schema file and points the alias at it, once', async (t) => {
  const { server, schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  await index.ensureCollection(schema);

  const creations = server.requests.filter((request) => request.method === 'POST' && request.path === '/collections');
  assert.equal(creations.length, 1, 'the second call finds the alias and creates nothing');
  assert.deepEqual(JSON.parse(creations[0]!.body), { ...schema, name: `${schema.name}_v1`, fields: [...schema.fields, { name: 'tenant_key', type: 'string' }] });
  const alias = last(server.requests, new RegExp(`^/aliases/${schema.name}$`));
  assert.equal(server.requests.filter((request) => request.method === 'PUT').length, 1);
  assert.deepEqual(server.aliases.get(schema.name), `${schema.name}_v1`);
  assert.equal(alias.method, 'GET');
  assert.ok(server.requests.every((request) => request.apiKey === server.apiKey), 'every request carries X-TYPESENSE-API-KEY');
});

test('a rebuild creates the next version and swaps the alias; ensureCollection then leaves it there', async (t) => {
  const { server, schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  assert.equal(await index.ensureCollectionVersion(schema, 2), `${schema.name}_v2`);
  await index.ensureCollection(schema);
  assert.equal(server.aliases.get(schema.name), `${schema.name}_v2`);
  assert.ok(server.collections.has(`${schema.name}_v1`) && server.collections.has(`${schema.name}_v2`));
});

test('upsert sends one JSONL line per valid document with action=upsert and reads every answer line', async (t) => {
  const { server, schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  server.rejectOnImport.set('u3', 'Field `registeredAt` must be an int64.');
  const { name: _dropped, ...nameless } = user('u4', 'acme');
  const documents = [user('u1', 'acme'), user('u2', 'acme'), user('u3', 'acme'), nameless as SearchDocument, user('u5', 'globex')];

  const outcomes = await index.upsertDocuments(schema.name, documents);

  assert.deepEqual(outcomes, [
    { id: 'u1', ok: true },
    { id: 'u2', ok: true },
    { id: 'u3', ok: false, reason: 'Field `registeredAt` must be an int64. (400)' },
    { id: 'u4', ok: false, reason: 'name is required' },
    { id: 'u5', ok: true },
  ]);
  const sent = last(server.requests, /\/documents\/import$/);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.path, `/collections/${schema.name}/documents/import`, 'writes go through the alias');
  assert.equal(sent.query.get('action'), 'upsert');
  assert.match(sent.contentType ?? '', /^text\/plain/);
  assert.deepEqual(sent.body.split('\n').map((line) => JSON.parse(line).id), ['u1', 'u2', 'u3', 'u5'], 'the locally invalid document is never sent');
  assert.deepEqual([...server.collections.get(`${schema.name}_v1`)!.documents.keys()].sort(), ['u1', 'u2', 'u5']);
});

test('a document Typesense itself rejects for a missing field fails alone, with Typesense\'s reason', async (t) => {
  const { server, schema, index } = await setUp(t);
  // The index knows a narrower schema than the collection holds: only Typesense sees the gap.
  await index.ensureCollection(schema);
  server.collections.get(`${schema.name}_v1`)!.schema.fields.push({ name: 'segment', type: 'string' });
  const outcomes = await index.upsertDocuments(schema.name, [user('a', 'acme'), user('b', 'acme')]);
  assert.deepEqual(outcomes.map((outcome) => outcome.ok), [false, false]);
  assert.match((outcomes[0] as { reason: string }).reason, /`segment` has been declared in the schema, but is not found/);
});

test('an import answer that does not account for every document is a retriable store failure', async (t) => {
  const { server, schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  server.truncateNextImport = true;
  await assert.rejects(index.upsertDocuments(schema.name, [user('x1', 'acme'), user('x2', 'acme')]), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true });
});

test('update sends the changed fields only, with action=update; a missing document and a bad update fail alone', async (t) => {
  const { server, schema, index } = await setUp(t);
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
  const sent = last(server.requests, /\/documents\/import$/);
  assert.equal(sent.path, `/collections/${schema.name}/documents/import`);
  assert.equal(sent.query.get('action'), 'update');
  assert.match(sent.contentType ?? '', /^text\/plain/);
  assert.deepEqual(sent.body.split('\n').map((line) => JSON.parse(line)), [{ id: 'p1', country: 'BE' }, { id: 'missing', kycState: 'approved' }, { id: 'p1', kycState: 'submitted' }], 'only the given fields, the refused update never sent');
  const stored = server.collections.get(`${schema.name}_v1`)!.documents.get('p1')!;
  assert.deepEqual({ name: stored.name, country: stored.country, kycState: stored.kycState, tenant: stored.tenant }, { name: 'John Smith', country: 'BE', kycState: 'submitted', tenant: 'acme' });
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

test('search sends the tenant scope and the compiled filter in filter_by, with query_by, facets, sort, typos and paging', async (t) => {
  const { server, schema, index } = await seeded(t);
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

  const sent = last(server.requests, /\/documents\/search$/);
  assert.equal(sent.path, `/collections/${schema.name}/documents/search`);
  assert.equal(sent.query.get('filter_by'), `tenant_key:=[\`${tenantKey('acme')}\`] && country:=\`FR\` && kycState:=[\`approved\`,\`pending\`] && registeredAt:<1700000000000`);
  assert.equal(sent.query.get('q'), 'jo');
  assert.equal(sent.query.get('query_by'), 'name');
  assert.equal(sent.query.get('facet_by'), 'kycState');
  assert.equal(sent.query.get('sort_by'), 'registeredAt:desc');
  assert.equal(sent.query.get('num_typos'), '2');
  assert.equal(sent.query.get('page'), '1');
  assert.equal(sent.query.get('per_page'), '5');
  assert.equal(sent.apiKey, server.apiKey);

  assert.equal(result.found, 2);
  assert.deepEqual(result.hits.map((hit) => hit.document.id), ['a2', 'a1']);
  assert.equal(typeof result.hits[0]!.score, 'number');
  assert.deepEqual(result.facetCounts, { kycState: [{ value: 'pending', count: 1 }, { value: 'approved', count: 1 }] });
  assert.equal(result.page, 1);
});

test('["*"] searches every tenant without a tenant clause; [] asks Typesense nothing and finds nothing', async (t) => {
  const { server, schema, index } = await seeded(t);
  const every = await index.search(schema.name, { q: '*', tenantScope: ['*'], facetBy: ['country'] });
  assert.equal(every.found, 4);
  assert.equal(last(server.requests, /\/documents\/search$/).query.get('filter_by'), null);
  assert.deepEqual(every.facetCounts.country, [{ value: 'FR', count: 3 }, { value: 'DE', count: 1 }]);
  assert.equal(last(server.requests, /\/documents\/search$/).query.get('q'), '*');

  const searches = server.requests.length;
  const nothing = await index.search(schema.name, { q: 'john', tenantScope: [], facetBy: ['country'] });
  assert.deepEqual(nothing, { found: 0, hits: [], facetCounts: { country: [] }, page: 1 });
  assert.equal(server.requests.length, searches, 'an empty scope never reaches Typesense');
});

test('the tenant scope is exact although Typesense matches strings loosely: acme never sees ACME, ac-me or Acmé', async (t) => {
  const { server, schema, index } = await setUp(t);
  await index.ensureCollection(schema);
  const lookalikes = ['acme', 'ACME', 'ac-me', 'Acmé', 'a.c.m.e'];
  await index.upsertDocuments(schema.name, lookalikes.map((tenant, position) => user(`l${position}`, tenant)));
  const stored = [...server.collections.get(`${schema.name}_v1`)!.documents.values()];
  assert.deepEqual(stored.map((document) => document.tenant_key), lookalikes.map(tenantKey), 'every document carries its tenant key');

  const result = await index.search(schema.name, { q: '*', tenantScope: ['acme'], facetBy: ['country'] });
  assert.deepEqual(result.hits.map((hit) => hit.document.tenant), ['acme']);
  assert.deepEqual(result.facetCounts.country, [{ value: 'FR', count: 1 }]);
  assert.equal(result.hits[0]!.document.tenant_key, undefined, 'the key stays inside the adapter');
  // The stand-in compares strings as Typesense does: a clause on the tenant itself would leak.
  const loose = await fetch(`${server.url}/collections/${schema.name}/documents/search?q=*&query_by=name&filter_by=${encodeURIComponent('tenant:=[`acme`]')}`, { headers: { 'X-TYPESENSE-API-KEY': server.apiKey } });
  assert.equal(((await loose.json()) as { found: number }).found, lookalikes.length);
});

test('client values reach filter_by only as backtick literals: injection attempts stay one value', async (t) => {
  const { server, schema, index } = await seeded(t);
  const attempts = ['"FR || tenant:=globex"', `"FR' ; DROP TABLE users; --"`, '"FR && tenant:=[globex]"', '"100%_"', '"Zürich 東京"'];
  for (const value of attempts) {
    const result = await index.search(schema.name, { q: '*', filter: parseFilter(`country:=${value}`, schema), tenantScope: ['acme'] });
    const literal = JSON.parse(value) as string;
    assert.equal(last(server.requests, /\/documents\/search$/).query.get('filter_by'), `tenant_key:=[\`${tenantKey('acme')}\`] && country:=\`${literal}\``);
    assert.equal(result.found, 0, `${value} matches no country and no other tenant`);
  }
  assert.throws(() => parseFilter('country:=FR || tenant:=globex', schema), { code: 'THALWEG_VALIDATION_FAILED' });
  assert.throws(() => parseFilter('country:="a`b"', schema), /backtick/);
});

test('deleteDocuments deletes by an id filter through the alias and reports the count', async (t) => {
  const { server, schema, index } = await seeded(t);
  assert.equal(await index.deleteDocuments(schema.name, ['a1', 'g1', 'missing']), 2);
  const sent = last(server.requests, new RegExp(`^/collections/${schema.name}/documents$`));
  assert.equal(sent.method, 'DELETE');
  assert.equal(sent.query.get('filter_by'), 'id:=[`a1`,`g1`,`missing`]');
  assert.deepEqual([...server.collections.get(`${schema.name}_v1`)!.documents.keys()].sort(), ['a2', 'a3']);
});

test('a wrong API key is our fault (not retriable); an unreachable Typesense is the store\'s (retriable)', async (t) => {
  const { server, schema } = await setUp(t);
  const wrongKey = createTypesenseIndex({ url: server.url, apiKey: 'not-the-key', retries: 0 });
  await assert.rejects(wrongKey.ensureCollection(schema), { code: 'THALWEG_INTERNAL', retriable: false });

  await server.close();
  const unreachable = createTypesenseIndex({ url: server.url, apiKey: server.apiKey, retries: 0, timeout: 1_000 });
  await assert.rejects(unreachable.ensureCollection(schema), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true });
});

test('a collection the index was never told about is refused before any request', async (t) => {
  const { server, index } = await setUp(t);
  await assert.rejects(index.search('nowhere', { q: '*', tenantScope: ['acme'] }), { code: 'THALWEG_INTERNAL' });
  assert.equal(server.requests.length, 0);
});
