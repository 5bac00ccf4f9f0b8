import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { offsetDocumentId, projectionOffsetsCollection } from '@thalweg/platform/projection';
import { createProjectionFixture, createTestMongoDatabase, createTestTopic, readRecordAt, uniqueName, waitFor, onCleanup } from '@thalweg/platform/testing';
import { deadLetterTopicOf, replayHeaders, retryTopicName, withRetryTopics } from '@thalweg/platform/topics';
import { USERS, type UserDocument } from './user-documents.ts';
import { createUserProjector } from './user-projector.ts';

const identityTypes = ['thalweg.identity.UserRegistered', 'thalweg.identity.ProfileUpdated', 'thalweg.identity.KycStatusChanged'];

/** The projection fixture with a MongoDB database of this test's own. */
async function userFixture(t: TestContext) {
  const { kafka, admin, topic, group, publisher, projectorOptions, deadLetterCount } = await createProjectionFixture(t, { prefix: 'users', eventTypes: identityTypes });
  const { db } = await createTestMongoDatabase(t, 'users');
  const tenant = 'acme';
  const userId = crypto.randomUUID();
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const kyc = (state: string, previousState: string, minute: number, extra: Record<string, unknown> = {}) =>
    publisher.publish({
      type: 'thalweg.identity.KycStatusChanged',
      subject: userId,
      tenant,
      data: { userId, tenantId: tenant, state, previousState, reviewer: 'reviewer-1', reason: null, documents: [], changedAt: at(minute), ...extra },
    });
  const events = {
    register: () => publisher.publish({ type: 'thalweg.identity.UserRegistered', subject: userId, tenant, data: { userId, tenantId: tenant, email: 'john@example.org', name: 'John Example', country: 'FR', registeredAt: at(0) } }),
    profile: (changes: Record<string, unknown>, minute: number) =>
      publisher.publish({ type: 'thalweg.identity.ProfileUpdated', subject: userId, tenant, data: { userId, tenantId: tenant, name: null, country: null, preferences: null, ...changes, updatedAt: at(minute) } }),
    kyc,
  };
  const startProjector = async ({ as = group }: { as?: string } = {}) => {
    const projector = await createUserProjector({ ...projectorOptions({ group: as }), db });
    onCleanup(t, () => projector.stop());
    await projector.start();
    return projector;
  };
  const user = () => db.collection<UserDocument>(USERS).findOne({ _id: userId });
  return { kafka, admin, topic, group, db, publisher, events, startProjector, projectorOptions, user, deadLetterCount, userId };
}

/** The three KYC steps to approval, after a registration and a profile change. */
async function approvedUser(fixture: Awaited<ReturnType<typeof userFixture>>) {
  await fixture.events.register();
  const preferences = { language: 'fr', timeZone: 'Europe/Paris', notifications: { email: true, sms: false, marketing: false } };
  await fixture.events.profile({ country: 'BE', preferences }, 1);
  await fixture.events.kyc('submitted', 'pending', 2, { reviewer: null, documents: [{ documentId: 'doc-1', kind: 'passport' }] });
  await fixture.events.kyc('in_review', 'submitted', 3);
  return { last: await fixture.events.kyc('approved', 'in_review', 4), preferences };
}

test('a user becomes one document: profile, preferences, KYC state and its timeline', async (t) => {
  const fixture = await userFixture(t);
  const { last, preferences } = await approvedUser(fixture);
  await fixture.startProjector();
  await waitFor(async () => (await fixture.user())?.kyc.state === 'approved', { description: 'the user approved' });
  const user = (await fixture.user())!;
  assert.deepEqual(
    { tenant: user.tenant, name: user.name, country: user.country, email: user.email, preferences: user.preferences },
    { tenant: 'acme', name: 'John Example', country: 'BE', email: 'john@example.org', preferences },
  );
  assert.deepEqual(user.kyc.timeline.map((entry) => [entry.previousState, entry.state, entry.reviewer]), [
    ['pending', 'submitted', null],
    ['submitted', 'in_review', 'reviewer-1'],
    ['in_review', 'approved', 'reviewer-1'],
  ]);
  assert.deepEqual(user.kyc.timeline[0]!.documents, [{ documentId: 'doc-1', kind: 'passport' }]);
  const offsets = await fixture.db.collection(projectionOffsetsCollection).find({}).toArray();
  assert.ok(offsets.some((entry) => String(entry.nextOffset) === String(BigInt(last.offset) + 1n)), 'the offset after the last event is stored');
  const indexes = (await fixture.db.collection(USERS).indexes()).map((index) => index.name);
  assert.ok(indexes.includes('users_tenant_email') && indexes.includes('users_tenant_kyc_state'), 'indexes made at start-up');
});

test('replayed from offset 0, the events change nothing: the timeline is not pushed twice', async (t) => {
  const fixture = await userFixture(t);
  const { last } = await approvedUser(fixture);
  const first = await fixture.startProjector();
  await waitFor(async () => (await fixture.user())?.kyc.state === 'approved', { description: 'the user approved' });
  const before = await fixture.user();
  await first.stop();
  // A new group (a rebuild) reads the topic from offset 0 into the same documents.
  const rebuild = uniqueName('projector-mongo-rebuild');
  await fixture.startProjector({ as: rebuild });
  const rebuilt = { _id: offsetDocumentId(rebuild, fixture.topic, last.partition) };
  await waitFor(async () => String((await fixture.db.collection<{ _id: string; nextOffset: unknown }>(projectionOffsetsCollection).findOne(rebuilt))?.nextOffset) === String(BigInt(last.offset) + 1n), {
    description: 'the replay reached the last event',
  });
  assert.deepEqual(await fixture.user(), before);
  assert.equal((await fixture.user())!.kyc.timeline.length, 3);
});

test('a replay read twice from the retry topic (two copies, two offsets) pushes its KYC step once', async (t) => {
  const fixture = await userFixture(t);
  const retry = await createTestTopic(t, fixture.admin, { name: retryTopicName(fixture.topic, fixture.group), partitions: 3 });
  await fixture.events.register();
  const step = await fixture.events.kyc('submitted', 'pending', 2, { reviewer: null });
  const projector = await createUserProjector({
    ...fixture.projectorOptions({ topics: withRetryTopics([fixture.topic], fixture.group), deadLetterTopic: (source) => deadLetterTopicOf(source, fixture.group) }),
    db: fixture.db,
  });
  onCleanup(t, () => projector.stop());
  await projector.start();
  await waitFor(async () => (await fixture.user())?.kyc.state === 'submitted', { description: 'the step applied' });
  const before = await fixture.user();

  // What two replays of the same dead letter would write: the event twice, with its replay headers.
  const record = await readRecordAt(t, fixture.kafka, step);
  const headers = { ...record.headers, [replayHeaders.originalTopic]: fixture.topic, [replayHeaders.originalPartition]: String(step.partition), [replayHeaders.originalOffset]: step.offset };
  const producer = fixture.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  const copy = { partition: step.partition, key: record.key, value: record.value, headers };
  await producer.send({ topic: retry, acks: -1, messages: [copy, copy] });
  const offsets = { _id: offsetDocumentId(fixture.group, retry, step.partition) };
  await waitFor(async () => String((await fixture.db.collection<{ _id: string; nextOffset: unknown }>(projectionOffsetsCollection).findOne(offsets))?.nextOffset) === '2', { description: 'both copies read' });
  assert.deepEqual((await fixture.user())!.kyc.timeline, before!.kyc.timeline, 'the step is in the timeline once');
  assert.equal(await fixture.deadLetterCount(), 0);
});

test('a malformed event goes to the dead letter topic and the partition moves on', async (t) => {
  const fixture = await userFixture(t);
  await fixture.events.register();
  const producer = fixture.kafka.producer();
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  // Same key, so the same partition as the user's events: it sits between them.
  await producer.send({ topic: fixture.topic, messages: [{ key: fixture.userId, value: Buffer.from('not avro at all') }] });
  await fixture.events.kyc('submitted', 'pending', 2, { reviewer: null, documents: [{ documentId: 'doc-9', kind: 'id_card' }] });
  await fixture.startProjector();
  await waitFor(async () => (await fixture.user())?.kyc.state === 'submitted', { description: 'the event after the poison applied' });
  assert.equal(await fixture.deadLetterCount(), 1);
});

test("a batch of many users' events projects and leaves FerretDB answering (no bulk writes, which exhaust its pool)", async (t) => {
  const fixture = await userFixture(t);
  const tenant = 'acme';
  const at = new Date('2026-01-01T00:00:00Z');
  const users = Array.from({ length: 60 }, () => crypto.randomUUID());
  await fixture.publisher.publishBatch(
    users.flatMap((userId, index) => [
      { type: 'thalweg.identity.UserRegistered', subject: userId, tenant, data: { userId, tenantId: tenant, email: `u${index}@example.org`, name: `User ${index}`, country: 'FR', registeredAt: at } },
      { type: 'thalweg.identity.ProfileUpdated', subject: userId, tenant, data: { userId, tenantId: tenant, name: `User ${index} Renamed`, country: null, preferences: null, updatedAt: at } },
    ]),
  );
  await fixture.startProjector();
  await waitFor(async () => (await fixture.db.collection(USERS).countDocuments({ name: /Renamed$/ })) === users.length, { timeout: 60_000, description: 'every user renamed' });
  assert.equal((await fixture.db.command({ ping: 1 })).ok, 1);
});

test('a database wiped under the same group is rebuilt from the topic, and one restored from an older backup replays only what it lacks', async (t) => {
  const fixture = await userFixture(t);
  await fixture.events.register();
  await fixture.events.profile({ country: 'BE' }, 1);
  const first = await fixture.startProjector();
  await waitFor(async () => (await fixture.user())?.country === 'BE', { description: 'the backup point reached' });
  await first.stop();
  const backup = { users: await fixture.db.collection(USERS).find({}).toArray(), offsets: await fixture.db.collection(projectionOffsetsCollection).find({}).toArray() };

  const second = await fixture.startProjector();
  await fixture.events.kyc('submitted', 'pending', 2, { reviewer: null, documents: [] });
  await fixture.events.kyc('in_review', 'submitted', 3);
  await waitFor(async () => (await fixture.user())?.kyc.state === 'in_review', { description: 'the later events applied' });
  await second.stop();
  const complete = await fixture.user();

  // Wiped: no documents, no stored offsets; Kafka's committed offsets are past every event.
  await fixture.db.collection(USERS).deleteMany({});
  await fixture.db.collection(projectionOffsetsCollection).deleteMany({});
  const third = await fixture.startProjector();
  await waitFor(async () => (await fixture.user())?.kyc.state === 'in_review', { description: 'the history projected again' });
  assert.deepEqual(await fixture.user(), complete);
  await third.stop();

  // Restored from the backup: the KYC steps after it are replayed, each once.
  await fixture.db.collection(USERS).deleteMany({});
  await fixture.db.collection(projectionOffsetsCollection).deleteMany({});
  await fixture.db.collection(USERS).insertMany(backup.users);
  await fixture.db.collection(projectionOffsetsCollection).insertMany(backup.offsets);
  assert.deepEqual(await fixture.user(), backup.users[0], 'the backup restored');
  await fixture.startProjector();
  await waitFor(async () => (await fixture.user())?.kyc.state === 'in_review', { description: 'the difference replayed' });
  assert.deepEqual(await fixture.user(), complete);
  assert.equal((await fixture.user())!.kyc.timeline.length, 2, 'no KYC step pushed twice');
  assert.equal(await fixture.deadLetterCount(), 0);
});
