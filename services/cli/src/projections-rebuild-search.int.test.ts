import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createPublisher } from '@thalweg/platform/events';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { loadCollectionSchema, openSearchBackend, type SearchBackendSettings } from '@thalweg/platform/search';
import { createTestConsumerGroup, createTestDatabase, onCleanup, startServiceProcess, startTypesenseProcess, testAdmin, testKafka, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { runThalweg, transcript } from './testing/run-thalweg.ts';
import { underTraffic } from './testing/under-traffic.ts';

const USERS = 12;

/** Where the test's projector-search writes, as its environment and as search-api's settings. */
interface SearchStoreUnderTest {
  env: Record<string, string>;
  settings: SearchBackendSettings;
  /** Whether a reader may see the previous generation once at the swap (Typesense moves its aliases without a transaction). */
  swapMayReadBehind: boolean;
}

async function postgresSearch(t: TestContext): Promise<SearchStoreUnderTest> {
  const database = await createTestDatabase(t, 'search_rebuild');
  const settings: SearchBackendSettings = { searchBackend: 'postgres', searchDatabaseUrl: database.url, typesenseUrl: '', typesenseApiKey: '' };
  return { env: { THALWEG_SEARCH_BACKEND: 'postgres', THALWEG_SEARCH_DATABASE_URL: database.url }, settings, swapMayReadBehind: false };
}

/** A private Typesense: the search projection's aliases and pointer are one per Typesense. */
async function typesenseSearch(t: TestContext): Promise<SearchStoreUnderTest> {
  const server = await startTypesenseProcess(t);
  const settings: SearchBackendSettings = { searchBackend: 'typesense', searchDatabaseUrl: '', typesenseUrl: server.url, typesenseApiKey: server.apiKey };
  return { env: { THALWEG_SEARCH_BACKEND: 'typesense', THALWEG_TYPESENSE_URL: server.url, THALWEG_TYPESENSE_API_KEY: server.apiKey }, settings, swapMayReadBehind: true };
}

// projector-search as deployed (its own process and principal) on a store and group of the
// test's own, reading the stack's topics from offset 0; the CLI rebuilds its projection while
// profiles keep changing and a reader keeps searching as search-api does, through the aliases or
// the read schema's views.
for (const [backend, open] of [
  ['PostgreSQL', postgresSearch],
  ['Typesense', typesenseSearch],
] as const) {
  test(`a search rebuild on ${backend} during live traffic: searches answer throughout from a whole generation, and the new one holds every change`, { timeout: 480_000 }, async (t) => {
    const store = await open(t);
    const kafka = testKafka();
    const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
    const publisher = createPublisher({ kafka, registry, schemas: loadSchemaCatalog(), topics: loadTopicSpecs(), source: '/thalweg/test' });
    onCleanup(t, () => publisher.disconnect());
    const admin = await testAdmin(t, kafka);
    const group = await createTestConsumerGroup(t, admin, { prefix: 'projector-search-rebuild', topics: loadTopicSpecs().consumedBy('projector-search') });
    onCleanup(t, () => admin.deleteGroups([`${group}-g1`]).catch(() => {}));
    await startServiceProcess(t, 'projector-search', { ...store.env, THALWEG_CONSUMER_GROUP: group, THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' });

    // A tenant of the test's own: the search scope keeps every other test's users out of the reads.
    const tenant = uniqueName('rebuild');
    const at = new Date('2026-01-01T00:00:00Z');
    const users = Array.from({ length: USERS }, () => crypto.randomUUID());
    const renamed = new Map<string, number>(users.map((userId) => [userId, 0]));
    for (const [index, userId] of users.entries()) {
      await publisher.publish({ type: 'thalweg.identity.UserRegistered', subject: userId, tenant, data: { userId, tenantId: tenant, email: `search-rebuild-${index}@example.test`, name: 'r0', country: 'FR', registeredAt: at } });
    }
    const rename = async (userId: string) => {
      const round = renamed.get(userId)! + 1;
      await publisher.publish({ type: 'thalweg.identity.ProfileUpdated', subject: userId, tenant, data: { userId, tenantId: tenant, name: `r${round}`, country: null, preferences: null, updatedAt: at } });
      renamed.set(userId, round);
    };
    const reader = openSearchBackend({ settings: store.settings, schemas: [loadCollectionSchema('users')], poolSize: 2 });
    onCleanup(t, () => reader.close());
    const read = async () => {
      const result = await reader.index.search('users', { q: '*', tenantScope: [tenant], perPage: 50 });
      return new Map(result.hits.map(({ document }) => [document.id, Number(String(document.name).slice(1))]));
    };
    await waitFor(async () => (await read()).size === USERS, { timeout: 240_000, description: 'the live generation projected the registrations (it reads the topics from offset 0)' });

    const traffic = underTraffic({ change: (round) => rename(users[round % USERS]!), changePause: 50, read, size: USERS, readPause: 10 });
    const rebuild = await runThalweg(['projections', 'rebuild', 'search', '--group', group], { env: store.env });
    const reads = await traffic.stop();
    assert.equal(rebuild.code, 0, transcript(rebuild));
    t.diagnostic(rebuild.stdout);
    assert.match(rebuild.stdout, /generation 1 is live; generation 0 is kept/, transcript(rebuild));
    assert.ok(reads.count > 1, 'the reader read during the rebuild');
    assert.deepEqual(reads.partial, [], 'never a partial model');
    if (store.swapMayReadBehind) {
      if (reads.backwards.length > 0) t.diagnostic(`reads that went back at the swap: ${reads.backwards.join('; ')}`);
    } else {
      assert.deepEqual(reads.backwards, [], 'never a model behind the one read before');
    }
    await waitFor(async () => [...(await read())].every(([userId, round]) => round === renamed.get(userId)), { timeout: 60_000, description: 'the new generation has every change' });

    // The status follows the swap: the live generation's group, and its offsets on every partition.
    const status = await runThalweg(['projections', 'status', 'search', '--json'], { env: store.env });
    const [shown] = (JSON.parse(status.stdout) as { projections: Array<{ group: string; topics: Array<{ partitions: Array<{ stored: number | null; end: number }> }> }> }).projections;
    assert.equal(shown!.group, `${group}-g1`, transcript(status));
    // A partition that never held an event has nothing to store (a fresh stack has such partitions).
    assert.ok(shown!.topics.every((topic) => topic.partitions.every((partition) => partition.end === 0 || partition.stored !== null)), transcript(status));

    const dropLive = await runThalweg(['projections', 'drop', 'search', '1', '--group', group], { env: store.env });
    assert.equal(dropLive.code, 1, transcript(dropLive));
    assert.match(dropLive.stderr, /is live/);
  });
}
