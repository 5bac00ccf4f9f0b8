/**
 * Generations of a Typesense projection against the stack's real Typesense: a rebuild's
 * collections beside the live ones, the aliases swapped only once the new generation has caught
 * up, the previous one kept until dropped.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { onCleanup, testTypesense, typesensePrefixOfTest } from '../testing/index.ts';
import { loadCollectionSchema, type CollectionSchema } from './collection-schema.ts';
import type { SearchDocument } from './search-index.ts';
import { createTypesenseGenerations } from './typesense-generations.ts';
import { createTypesenseIndex } from './typesense-index.ts';
import { createTypesenseOffsets } from './typesense-offsets.ts';

const TOPIC = 'identity.users.v1';
const connection = { url: testTypesense.url, apiKey: testTypesense.apiKey, retries: 0, timeout: 5_000 };

async function typesense<T>(method: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, testTypesense.url), { method, headers: { 'X-TYPESENSE-API-KEY': testTypesense.apiKey } });
  return { status: response.status, body: (await response.json()) as T };
}

const user = (id: string, name: string): SearchDocument => ({ id, tenant: 'acme', name, email: `${id}@example.test`, country: 'FR', kycState: 'approved', registeredAt: 1_690_000_000_000 });

/** A projection of the test's own (its collections, aliases, offsets and pointer named after it), its generation 0 recorded. */
async function setUp(t: TestContext) {
  const projection = typesensePrefixOfTest(t, 'generations');
  const schema: CollectionSchema = { ...loadCollectionSchema('users'), name: `${projection}_users` };
  const group = `${projection}-group`;
  const generations = createTypesenseGenerations({ ...connection, projection, declaredGroup: group, collections: [schema.name] });
  onCleanup(t, () => typesense('DELETE', `/collections/projection_generations/documents/projection-${projection}`));
  await generations.init();
  const live = createTypesenseIndex({ ...connection, schemas: [schema], generation: 0 });
  await live.ensureCollection(schema);
  return { projection, schema, group, generations, live };
}

const names = async (index: ReturnType<typeof createTypesenseIndex>, schema: CollectionSchema) =>
  (await index.search(schema.name, { q: '*', tenantScope: ['acme'] })).hits.map((hit) => String(hit.document.name)).sort();

test('a new generation is built in collections of its own while readers read the live one through the alias', async (t) => {
  const { schema, group, generations, live } = await setUp(t);
  await live.upsertDocuments(schema.name, [user('u1', 'Live One')]);
  assert.deepEqual((await generations.list()).map(({ generation, state, group: filledBy }) => ({ generation, state, filledBy })), [{ generation: 0, state: 'live', filledBy: group }]);

  const building = await generations.begin({ startAt: [{ topic: `${TOPIC}.retry`, partition: 0, offset: '7' }] });
  assert.equal(building.generation, 1);
  assert.equal(building.group, `${group}-g1`);
  assert.deepEqual(building.collections, [`${schema.name}_v2`]);
  assert.deepEqual(await createTypesenseOffsets({ ...connection, collection: building.offsetsCollection }).read(building.group, `${TOPIC}.retry`), new Map([[0, '7']]), 'it starts where it was told to');
  await assert.rejects(generations.begin(), { code: 'THALWEG_CONFLICT', message: /already being rebuilt/ });

  const next = createTypesenseIndex({ ...connection, schemas: [schema], generation: 1 });
  await next.ensureCollection(schema);
  await next.upsertDocuments(schema.name, [user('u1', 'Rebuilt One')]);
  assert.equal((await typesense<{ collection_name: string }>('GET', `/aliases/${schema.name}`)).body.collection_name, `${schema.name}_v1`, 'a building generation leaves the alias alone');
  assert.deepEqual(await names(live, schema), ['Live One']);
  assert.deepEqual(await names(next, schema), ['Live One'], 'whichever generation an index writes, it reads the alias');
});

test('the swap waits until the new generation has caught up, then moves the alias; the previous generation is kept until dropped', async (t) => {
  const { schema, group, generations, live } = await setUp(t);
  await live.upsertDocuments(schema.name, [user('u1', 'Live One')]);
  const liveOffsets = createTypesenseOffsets({ ...connection });
  onCleanup(t, () => liveOffsets.forget(group, TOPIC));
  await liveOffsets.init();
  await liveOffsets.write(group, TOPIC, 0, '10');
  const building = await generations.begin();
  const next = createTypesenseIndex({ ...connection, schemas: [schema], generation: 1 });

  await assert.rejects(generations.swap(1, { topics: [TOPIC] }), { code: 'THALWEG_CONFLICT', retriable: true, message: /behind the live generation 0 on identity\.users\.v1\/0 at nothing of 10/ });
  const nextOffsets = createTypesenseOffsets({ ...connection, collection: building.offsetsCollection });
  await nextOffsets.init();
  await nextOffsets.write(building.group, TOPIC, 0, '9');
  await assert.rejects(generations.swap(1, { topics: [TOPIC] }), { message: /at 9 of 10/ });
  await nextOffsets.write(building.group, TOPIC, 0, '10');
  await assert.rejects(generations.swap(1, { topics: [TOPIC] }), { code: 'THALWEG_CONFLICT', retriable: true, message: /no collection .*_users_v2 yet/ }, 'caught up, but its projector never made its collections');

  await next.ensureCollection(schema);
  await next.upsertDocuments(schema.name, [user('u1', 'Rebuilt One')]);
  const swapped = await generations.swap(1, { topics: [TOPIC] });
  assert.equal(swapped.state, 'live');
  assert.equal((await typesense<{ collection_name: string }>('GET', `/aliases/${schema.name}`)).body.collection_name, `${schema.name}_v2`);
  assert.deepEqual(await names(live, schema), ['Rebuilt One'], 'readers read the new generation at once');
  assert.deepEqual((await generations.list()).map(({ generation, state }) => `${generation} ${state}`), ['0 retired', '1 live']);
  assert.equal((await generations.live()).offsetsCollection, building.offsetsCollection);

  await assert.rejects(generations.drop(1, { topics: [TOPIC] }), { code: 'THALWEG_CONFLICT', message: /is live/ });
  assert.equal((await typesense('GET', `/collections/${schema.name}_v1`)).status, 200, 'the previous generation is kept');
  const dropped = await generations.drop(0, { topics: [TOPIC] });
  assert.equal(dropped.generation, 0);
  assert.equal((await typesense('GET', `/collections/${schema.name}_v1`)).status, 404);
  assert.deepEqual(await liveOffsets.read(group, TOPIC), new Map(), 'its offsets are gone from the shared collection');
  assert.deepEqual((await generations.list()).map(({ generation, state }) => `${generation} ${state}`), ['1 live']);
  assert.deepEqual(await names(live, schema), ['Rebuilt One']);
});

test('a rebuild abandoned by dropping it: its collections and offsets go, the live generation goes on', async (t) => {
  const { schema, generations } = await setUp(t);
  const building = await generations.begin();
  const next = createTypesenseIndex({ ...connection, schemas: [schema], generation: 1 });
  await next.ensureCollection(schema);
  await createTypesenseOffsets({ ...connection, collection: building.offsetsCollection }).init();
  await generations.drop(1, { topics: [TOPIC] });
  assert.equal((await typesense('GET', `/collections/${schema.name}_v2`)).status, 404);
  assert.equal((await typesense('GET', `/collections/${building.offsetsCollection}`)).status, 404);
  assert.equal(await generations.building(), undefined);
  assert.equal((await generations.begin()).generation, 1, 'the next rebuild takes the number again');
});

test('one Typesense serves one group\'s projection: a projector of another group is refused at start', async (t) => {
  const { projection, schema, group } = await setUp(t);
  const other = createTypesenseGenerations({ ...connection, projection, declaredGroup: `${group}-other`, collections: [schema.name] });
  await assert.rejects(other.init(), { code: 'THALWEG_CONFIG_INVALID', message: new RegExp(`consumer group ${group}'s`) });
});
