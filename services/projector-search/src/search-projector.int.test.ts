import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cp, rm } from 'node:fs/promises';
import { deadLetterHeaders, type ProjectionRecord } from '@thalweg/platform/projection';
import { createPostgresSearchIndex, createTypesenseIndex, loadCollectionSchema, type SearchDocument, type SearchIndex } from '@thalweg/platform/search';
import { createProjectionFixture, createTestDatabase, cutOffDatabase, onCleanup, readTopic, startTypesenseProcess, uniqueName, waitFor } from '@thalweg/platform/testing';
import { createPostgresSearchOffsets, createTypesenseSearchOffsets, type SearchOffsets } from './search-offsets.ts';
import { searchProjection } from './search-projection.ts';
import { createSearchProjector } from './search-projector.ts';
import { createSearchStore } from './search-store.ts';

const eventTypes = [
  'thalweg.identity.UserRegistered',
  'thalweg.identity.ProfileUpdated',
  'thalweg.identity.KycStatusChanged',
  'thalweg.ledger.WalletOpened',
  'thalweg.ledger.FundsCredited',
];
const schemas = [loadCollectionSchema('users'), loadCollectionSchema('entries')];

/** One search backend as the projector sees it, with what a test reads or breaks behind its back. */
interface BackendUnderTest {
  index: SearchIndex;
  offsets(): SearchOffsets;
  /** The collection's documents, by id, as the backend holds them. */
  documents(collection: string): Promise<SearchDocument[]>;
  /** The next offsets the backend holds for a group's topic, read without the offsets code. */
  storedOffsets(group: string, topic: string): Promise<Map<number, string>>;
  /** Forgets a group's offsets, as a restored or wiped store would. */
  forgetOffsets(group: string): Promise<void>;
  /** Takes the backend away until `restore()`. */
  outage(): Promise<{ restore(): Promise<void> }>;
  /** Empties the backend: no documents, no offsets (a fresh or wiped store). Only while no projector runs. */
  wipe(): Promise<void>;
  /** A backup of the backend as it is; `restore()` puts it back. Only while no projector runs. */
  backup(): Promise<{ restore(): Promise<void> }>;
  /** A profile name the index itself refuses, where there is one the adapter's own checks let through. */
  refusedName?: string;
}

/** PostgreSQL: a database of the test's own, the offsets in its projection_offsets table. */
async function postgresBackend(t: TestContext): Promise<BackendUnderTest> {
  const database = await createTestDatabase(t, 'search');
  const backend: BackendUnderTest = {
    index: createPostgresSearchIndex({ pool: database.pool, schemas }),
    offsets: () => createPostgresSearchOffsets(database.pool),
    async documents(collection) {
      const { rows } = await database.pool.query<{ document: SearchDocument }>(`SELECT document FROM search_${collection} ORDER BY id`);
      return rows.map((row) => row.document);
    },
    async storedOffsets(group, topic) {
      const { rows } = await database.pool.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM projection_offsets WHERE group_id = $1 AND topic = $2', [group, topic]);
      return new Map(rows.map((row) => [row.partition, String(row.next_offset)]));
    },
    async forgetOffsets(group) {
      await database.pool.query('DELETE FROM projection_offsets WHERE group_id = $1', [group]);
    },
    outage: () => cutOffDatabase(t, database.name),
    async wipe() {
      await database.pool.query('DELETE FROM search_users; DELETE FROM search_entries; DELETE FROM projection_offsets');
    },
    async backup() {
      const documents = { users: await backend.documents('users'), entries: await backend.documents('entries') };
      const { rows: offsets } = await database.pool.query<{ group_id: string; topic: string; partition: number; next_offset: string }>('SELECT group_id, topic, partition, next_offset FROM projection_offsets');
      return {
        restore: async () => {
          await backend.wipe();
          for (const [collection, saved] of Object.entries(documents)) if (saved.length > 0) await backend.index.upsertDocuments(collection, saved);
          for (const row of offsets) await database.pool.query('INSERT INTO projection_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)', [row.group_id, row.topic, row.partition, row.next_offset]);
        },
      };
    },
    // PostgreSQL refuses a NUL byte in text: the index, not the projection, says no.
    refusedName: 'Nul\u0000Byte',
  };
  return backend;
}

/**
 * Typesense: a private server of the stack's install (`stack.sh run typesense-server`), so the
 * projector's fixed collection names are the test's own and an outage stops only it.
 */
async function typesenseBackend(t: TestContext): Promise<BackendUnderTest> {
  const server = await startTypesenseProcess(t);
  const call = async (method: string, path: string) => {
    const response = await fetch(new URL(path, server.url), { method, headers: { 'X-TYPESENSE-API-KEY': server.apiKey } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Typesense ${method} ${path} answered ${response.status}`);
    return response.text();
  };
  const exported = async (collection: string) => {
    const lines = (await call('GET', `/collections/${collection}/documents/export`)) ?? '';
    return lines.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  const offsetDocuments = async (group: string) => (await exported('projection_offsets')).filter((document) => document.group === group);
  return {
    index: createTypesenseIndex({ url: server.url, apiKey: server.apiKey, schemas, retries: 0, timeout: 2_000 }),
    offsets: () => createTypesenseSearchOffsets({ url: server.url, apiKey: server.apiKey, retries: 0, timeout: 2_000 }),
    async documents(collection) {
      const documents = (await exported(collection)).map(({ tenant_key: _key, ...document }) => document as SearchDocument);
      return documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async storedOffsets(group, topic) {
      const documents = (await offsetDocuments(group)).filter((document) => document.topic === topic);
      for (const document of documents) {
        assert.equal(typeof document.nextOffset, 'string', 'a 64-bit offset kept as a decimal string');
        assert.equal(typeof document.updatedAt, 'number');
      }
      return new Map(documents.map((document) => [document.partition as number, document.nextOffset as string]));
    },
    async forgetOffsets(group) {
      for (const document of await offsetDocuments(group)) await call('DELETE', `/collections/projection_offsets/documents/${document.id as string}`);
    },
    async outage() {
      await server.stop();
      return { restore: () => server.start() };
    },
    async wipe() {
      await server.stop();
      await rm(server.dataDir, { recursive: true, force: true });
      await server.start();
    },
    // A copy of the data directory of the stopped server: what restoring Typesense's files does.
    async backup() {
      const copy = `${server.dataDir}.backup`;
      onCleanup(t, () => rm(copy, { recursive: true, force: true }));
      await server.stop();
      await cp(server.dataDir, copy, { recursive: true });
      await server.start();
      return {
        restore: async () => {
          await server.stop();
          await rm(server.dataDir, { recursive: true, force: true });
          await cp(copy, server.dataDir, { recursive: true });
          await server.start();
        },
      };
    },
  };
}

const backends = { postgres: postgresBackend, typesense: typesenseBackend };

/** The projection fixture, for identity and ledger events, with a search backend of this test's own. */
async function searchFixture(t: TestContext, backend: keyof typeof backends) {
  const { kafka, admin, topic, group, deadLetters, publisher, projectorOptions, deadLetterCount } = await createProjectionFixture(t, { prefix: 'search', eventTypes });
  const store = await backends[backend](t);
  const tenant = 'acme';
  const at = new Date('2026-01-01T00:00:00Z');
  const events = {
    register: (userId: string, name: string, country = 'FR') =>
      publisher.publish({ type: 'thalweg.identity.UserRegistered', subject: userId, tenant, data: { userId, tenantId: tenant, email: `${userId}@example.test`, name, country, registeredAt: at } }),
    profile: (userId: string, change: { name?: string; country?: string }) =>
      publisher.publish({ type: 'thalweg.identity.ProfileUpdated', subject: userId, tenant, data: { userId, tenantId: tenant, name: change.name ?? null, country: change.country ?? null, preferences: null, updatedAt: at } }),
    kyc: (userId: string, state: 'submitted' | 'in_review', previousState: 'pending' | 'submitted') =>
      publisher.publish({ type: 'thalweg.identity.KycStatusChanged', subject: userId, tenant, data: { userId, tenantId: tenant, state, previousState, reviewer: null, reason: null, documents: [], changedAt: at } }),
    open: (walletId: string) =>
      publisher.publish({ type: 'thalweg.ledger.WalletOpened', subject: walletId, tenant, data: { walletId, ownerId: 'owner-1', tenantId: tenant, currency: 'EUR', openedAt: at } }),
    credit: (walletId: string, amountMinor: number) =>
      publisher.publish({ type: 'thalweg.ledger.FundsCredited', subject: walletId, tenant, data: { walletId, entryId: crypto.randomUUID(), tenantId: tenant, amountMinor, currency: 'EUR', reference: `credit-${amountMinor}`, creditedAt: at } }),
  };
  const startProjector = async () => {
    const projector = await createSearchProjector({ ...projectorOptions(), index: store.index, offsets: store.offsets() });
    onCleanup(t, () => projector.stop());
    await projector.start();
    return projector;
  };
  const user = async (id: string) => (await store.documents('users')).find((document) => document.id === id);
  return { kafka, admin, topic, group, deadLetters, store, index: store.index, events, startProjector, documents: store.documents, user, deadLetterCount, at };
}

for (const backend of ['postgres', 'typesense'] as const) {
  test(`users and entries are projected: whole on registration, in part on profile and KYC changes (${backend})`, async (t) => {
    const fixture = await searchFixture(t, backend);
    const john = crypto.randomUUID();
    const walletId = crypto.randomUUID();
    await fixture.events.register(john, 'John Smith', 'FR');
    await fixture.events.profile(john, { country: 'BE' });
    await fixture.events.kyc(john, 'submitted', 'pending');
    const last = await fixture.events.profile(john, { name: 'John Smyth' });
    await fixture.events.open(walletId);
    await fixture.events.credit(walletId, 500);
    await fixture.startProjector();

    await waitFor(async () => (await fixture.user(john))?.name === 'John Smyth' && (await fixture.documents('entries')).length === 1, { description: 'users and entries projected' });
    assert.deepEqual(await fixture.user(john), { id: john, tenant: 'acme', name: 'John Smyth', email: `${john}@example.test`, country: 'BE', kycState: 'submitted', registeredAt: fixture.at.getTime() });
    const [entry] = await fixture.documents('entries');
    assert.deepEqual({ ...entry, id: undefined }, { id: undefined, tenant: 'acme', walletId, reference: 'credit-500', amountMinor: 500, currency: 'EUR', direction: 'credit', occurredAt: fixture.at.getTime() });
    const found = await fixture.index.search('users', { q: 'jonh', tenantScope: ['acme'] });
    assert.deepEqual(found.hits.map((hit) => hit.document.id), [john], 'typo-tolerant on the projected name');
    await waitFor(async () => {
      const stored = (await fixture.store.storedOffsets(fixture.group, fixture.topic)).get(last.partition);
      // The wallet events may share John's partition: the stored offset is past his last event, at least.
      return stored !== undefined && BigInt(stored) > BigInt(last.offset);
    }, { description: 'the offset stored beside the collections' });
  });

  test(`redelivered events change nothing, whether Kafka or the store redelivers them (${backend})`, async (t) => {
    const fixture = await searchFixture(t, backend);
    const ada = crypto.randomUUID();
    await fixture.events.register(ada, 'Ada Lovelace', 'GB');
    await fixture.events.kyc(ada, 'submitted', 'pending');
    await fixture.events.profile(ada, { name: 'Ada King' });
    const first = await fixture.startProjector();
    await waitFor(async () => (await fixture.user(ada))?.name === 'Ada King', { description: 'three events applied' });
    await first.stop();
    const before = { users: await fixture.documents('users'), entries: await fixture.documents('entries') };

    // Every event again, from Kafka: the group and the stored offsets go back to the start.
    await fixture.admin.resetOffsets({ groupId: fixture.group, topic: fixture.topic, earliest: true });
    await fixture.store.forgetOffsets(fixture.group);
    await fixture.startProjector();
    // One more event on Ada's partition: once it is applied, everything before it was seen again.
    await fixture.events.kyc(ada, 'in_review', 'submitted');
    await waitFor(async () => (await fixture.user(ada))?.kycState === 'in_review', { description: 'the second run caught up' });
    assert.deepEqual(await fixture.documents('users'), before.users.map((document) => ({ ...document, kycState: 'in_review' })));
    assert.equal(await fixture.deadLetterCount(), 0);

    // The store is handed the very same batch twice.
    const store = createSearchStore({ index: fixture.index, handler: searchProjection, offsets: fixture.store.offsets() });
    const userId = crypto.randomUUID();
    const message = { key: Buffer.from(userId), value: null, headers: {}, timestamp: '0', attributes: 0, offset: '0' };
    const metadata = { id: 'e', type: 'thalweg.identity.UserRegistered', source: '/test', subject: userId, time: new Date(), tenant: 'acme', correlationId: 'e', traceparent: '' };
    const records: ProjectionRecord[] = [
      { offset: '0', message, event: { topic: 'replay', partition: 0, offset: '0', key: userId, schemaId: 1, metadata, data: { userId, tenantId: 'acme', email: 'r@example.test', name: 'Replay Once', country: 'FR', registeredAt: fixture.at } } },
      {
        offset: '1',
        message: { ...message, offset: '1' },
        event: { topic: 'replay', partition: 0, offset: '1', key: userId, schemaId: 1, metadata: { ...metadata, id: 'f', type: 'thalweg.identity.ProfileUpdated' }, data: { userId, tenantId: 'acme', name: null, country: 'DE', preferences: null, updatedAt: fixture.at } },
      },
    ];
    const batch = { group: uniqueName('replay-group'), topic: 'replay', partition: 0, records, fromOffset: '0', nextOffset: '2', deadLetter: async (rejected: unknown[]) => assert.deepEqual(rejected, []) };
    assert.deepEqual(await store.apply(batch), { applied: 2, rejected: 0 });
    const once = await fixture.user(userId);
    assert.deepEqual(await store.apply(batch), { applied: 0, rejected: 0 }, 'below the stored offset: skipped');
    await fixture.store.forgetOffsets(batch.group);
    assert.deepEqual(await store.apply(batch), { applied: 2, rejected: 0 }, 'with the offset lost, applied again');
    assert.deepEqual(await fixture.user(userId), once);
    assert.equal(once?.country, 'DE');
    // A batch an instance that lost the partition still held leaves the offset where it was.
    assert.deepEqual(await store.apply({ ...batch, records: records.slice(0, 1), nextOffset: '1' }), { applied: 0, rejected: 0 });
    assert.deepEqual(await fixture.store.storedOffsets(batch.group, batch.topic), new Map([[0, '2']]), 'the offset never moves back');
    // A batch fetched from past the stored offset would skip offsets 2–4: refused.
    await assert.rejects(store.apply({ ...batch, records: [{ ...records[1]!, offset: '5' }], fromOffset: '5', nextOffset: '6' }), { code: 'THALWEG_PROJECTION_GAP', retriable: true });
  });

  test(`a malformed event and a document the index refuses are dead-lettered alone while the partition moves on (${backend})`, async (t) => {
    const fixture = await searchFixture(t, backend);
    const first = crypto.randomUUID();
    const registered = await fixture.events.register(first, 'First User');
    const producer = fixture.kafka.producer();
    await producer.connect();
    onCleanup(t, () => producer.disconnect());
    // All on the first user's partition, so they share batches and order.
    const onPartition = async (userId: string) => (await fixture.events.register(userId, 'probe')).partition === registered.partition;
    const [poison] = await producer.send({ topic: fixture.topic, acks: -1, messages: [{ key: first, value: Buffer.from('not avro at all'), partition: registered.partition }] });
    let refused = crypto.randomUUID();
    while (!(await onPartition(refused))) refused = crypto.randomUUID();
    const { refusedName } = fixture.store;
    const nul = refusedName === undefined ? undefined : await fixture.events.profile(refused, { name: refusedName });
    const unknownUser = crypto.randomUUID();
    const orphan = await fixture.events.profile(unknownUser, { country: 'DE' });
    await fixture.events.profile(first, { name: 'First Renamed' });
    const projector = await fixture.startProjector();

    await waitFor(async () => (await fixture.user(first))?.name === 'First Renamed', { description: 'the update after the refused ones applied' });
    const letters = await readTopic(t, fixture.kafka, fixture.deadLetters, nul ? 3 : 2);
    const header = (letter: (typeof letters)[number], name: string) => letter.headers![name]!.toString();
    const byOffset = new Map(letters.map((letter) => [`${header(letter, deadLetterHeaders.partition)}/${header(letter, deadLetterHeaders.offset)}`, letter]));
    const poisonLetter = byOffset.get(`${registered.partition}/${poison!.baseOffset}`);
    assert.ok(poisonLetter, 'the poison message is dead-lettered');
    assert.equal(header(poisonLetter, deadLetterHeaders.errorCode), 'THALWEG_EVENT_UNDECODABLE');
    if (nul) {
      const nulLetter = byOffset.get(`${nul.partition}/${nul.offset}`);
      assert.ok(nulLetter, 'the update the index refused is dead-lettered');
      assert.equal(header(nulLetter, deadLetterHeaders.errorCode), 'THALWEG_EVENT_REJECTED');
      assert.match(header(nulLetter, deadLetterHeaders.errorMessage), /refused by the search index/);
    }
    const orphanLetter = byOffset.get(`${orphan.partition}/${orphan.offset}`);
    assert.ok(orphanLetter, 'an update of a user the index does not hold is dead-lettered');
    assert.equal(header(orphanLetter, deadLetterHeaders.errorCode), 'THALWEG_EVENT_REJECTED');
    // Each index in its own words: PostgreSQL's adapter finds no document, Typesense answers 404.
    assert.match(header(orphanLetter, deadLetterHeaders.errorMessage), new RegExp(`refused by the search index: .*(no document|Could not find a document with id:) ${unknownUser}`));
    assert.equal(letters.length, nul ? 3 : 2);
    assert.equal((await fixture.user(refused))?.name, 'probe', 'the refused update changed nothing');
    assert.equal(projector.status().retrying.length, 0);
  });

  test(`a search index outage pauses the partition and resumes without dead-lettering an event (${backend})`, async (t) => {
    const fixture = await searchFixture(t, backend);
    const userId = crypto.randomUUID();
    await fixture.events.register(userId, 'Outage Person');
    const projector = await fixture.startProjector();
    await waitFor(async () => (await fixture.user(userId)) !== undefined, { description: 'user projected' });

    const outage = await fixture.store.outage();

    await fixture.events.kyc(userId, 'submitted', 'pending');
    await fixture.events.profile(userId, { country: 'IT' });
    await waitFor(() => projector.status().retrying.some((entry) => entry.code === 'THALWEG_STORE_UNAVAILABLE'), { description: 'the partition is paused and retrying' });

    await outage.restore();
    await waitFor(async () => (await fixture.user(userId))?.country === 'IT', { timeout: 60_000, description: 'the updates applied after the outage' });
    assert.equal((await fixture.user(userId))?.kycState, 'submitted');
    const deadLettered = await fixture.deadLetterCount();
    if (deadLettered > 0) {
      const letters = await readTopic(t, fixture.kafka, fixture.deadLetters, deadLettered);
      assert.fail(`dead-lettered across the outage: ${letters.map((letter) => `${letter.headers?.[deadLetterHeaders.errorCode]} ${letter.headers?.[deadLetterHeaders.errorMessage]}`).join('; ')}`);
    }
    // The batch's documents are visible a moment before the runtime has finished the batch (its
    // offsets, its commit) and cleared the partition's retry.
    await waitFor(() => projector.status().retrying.length === 0, { description: 'the partition no longer retrying' });
  });

  test(`a restart resumes at the index's own offsets; a wiped index is rebuilt from the topic, a restored one replays what it lacks (${backend})`, async (t) => {
    const fixture = await searchFixture(t, backend);
    const ada = crypto.randomUUID();
    const registered = await fixture.events.register(ada, 'Ada Before');
    const first = await fixture.startProjector();
    await waitFor(async () => (await fixture.user(ada)) !== undefined, { description: 'the backup point reached' });
    await first.stop();
    const backup = await fixture.store.backup();
    const backedUp = await fixture.documents('users');

    const second = await fixture.startProjector();
    await fixture.events.profile(ada, { name: 'Ada After' });
    await fixture.events.kyc(ada, 'submitted', 'pending');
    await waitFor(async () => (await fixture.user(ada))?.kycState === 'submitted', { description: 'the later events applied' });
    await second.stop();
    const complete = await fixture.user(ada);
    assert.deepEqual({ name: complete?.name, kycState: complete?.kycState }, { name: 'Ada After', kycState: 'submitted' });

    // Ada's document goes behind the projector's back: a restart resumes past her events, so it stays gone.
    await fixture.index.deleteDocuments('users', [ada]);
    const third = await fixture.startProjector();
    // Users registered now until one lands on Ada's partition: once they are projected, that
    // partition has been read past Ada's events.
    const markers: string[] = [];
    do markers.push(crypto.randomUUID());
    while ((await fixture.events.register(markers.at(-1)!, 'Marker')).partition !== registered.partition);
    await waitFor(async () => (await fixture.documents('users')).length === markers.length, { description: 'the markers projected' });
    assert.equal(await fixture.user(ada), undefined, 'nothing below the stored offset was applied again');
    await third.stop();

    // Wiped, Kafka's committed offsets past every event: the whole history is projected again.
    await fixture.store.wipe();
    const fourth = await fixture.startProjector();
    await waitFor(async () => (await fixture.user(ada))?.kycState === 'submitted' && (await fixture.documents('users')).length === markers.length + 1, { timeout: 60_000, description: 'the history projected again' });
    assert.deepEqual(await fixture.user(ada), complete);
    await fourth.stop();
    const rebuilt = await fixture.documents('users');

    // Restored from the backup: the events after it are applied again, and everything else as it was.
    await backup.restore();
    assert.deepEqual(await fixture.documents('users'), backedUp, 'the backup restored');
    await fixture.startProjector();
    await waitFor(async () => (await fixture.user(ada))?.kycState === 'submitted' && (await fixture.documents('users')).length === rebuilt.length, { description: 'the difference replayed' });
    assert.deepEqual(await fixture.documents('users'), rebuilt);
    assert.equal(await fixture.deadLetterCount(), 0);
  });
}
