import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, testTypesense, typesensePrefixOfTest, uniqueName } from '../testing/index.ts';
import { createTypesenseOffsets } from './typesense-offsets.ts';

function offsetsOfTest(t: Parameters<typeof typesensePrefixOfTest>[0]) {
  const collection = `${typesensePrefixOfTest(t, 'offsets')}_offsets`;
  return { collection, offsets: createTypesenseOffsets({ url: testTypesense.url, apiKey: testTypesense.apiKey, collection, retries: 0 }) };
}

test('next offsets per partition, as 64-bit decimal strings, one document per partition with its update time', async (t) => {
  const { collection, offsets } = offsetsOfTest(t);
  await offsets.init();
  await offsets.init();
  const group = uniqueName('group');
  assert.deepEqual(await offsets.read(group, 'ledger.wallets.v1'), new Map(), 'a partition never applied is absent');

  const before = Date.now();
  await offsets.write(group, 'ledger.wallets.v1', 0, '42');
  await offsets.write(group, 'ledger.wallets.v1', 2, '9007199254740993');
  await offsets.write(group, 'ledger.wallets.v1', 0, '43');
  assert.deepEqual(await offsets.read(group, 'ledger.wallets.v1'), new Map([[0, '43'], [2, '9007199254740993']]));

  const response = await fetch(new URL(`/collections/${collection}/documents/export`, testTypesense.url), { headers: { 'X-TYPESENSE-API-KEY': testTypesense.apiKey } });
  const documents = (await response.text()).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(documents.length, 2);
  for (const document of documents) {
    assert.equal(document.group, group);
    assert.equal(typeof document.nextOffset, 'string');
    assert.ok((document.updatedAt as number) >= before, 'the time of the write');
  }
});

test('an offset never moves back: a smaller or equal one leaves the stored one as it is', async (t) => {
  const { offsets } = offsetsOfTest(t);
  await offsets.init();
  const group = uniqueName('group');
  await offsets.write(group, 'topic', 1, '100');
  await offsets.write(group, 'topic', 1, '99');
  await offsets.write(group, 'topic', 1, '100');
  // Compared as numbers, not strings ("9" > "100" as text).
  await offsets.write(group, 'topic', 1, '9');
  assert.deepEqual(await offsets.read(group, 'topic'), new Map([[1, '100']]));
  await offsets.write(group, 'topic', 1, '1000');
  assert.deepEqual(await offsets.read(group, 'topic'), new Map([[1, '1000']]));
});

test('groups and topics are told apart exactly, though Typesense compares strings loosely', async (t) => {
  const { offsets } = offsetsOfTest(t);
  await offsets.init();
  const group = uniqueName('search');
  const lookalikes: Array<[string, string]> = [
    [group, 'identity.users.v1'],
    [group.toUpperCase(), 'identity.users.v1'],
    [group, 'identity-users-v1'],
    [group, 'identity.users.v1 extra'],
  ];
  for (const [position, [g, topic]] of lookalikes.entries()) await offsets.write(g, topic, 0, String(position + 1));
  for (const [position, [g, topic]] of lookalikes.entries()) {
    assert.deepEqual(await offsets.read(g, topic), new Map([[0, String(position + 1)]]), `${g} on ${topic}`);
  }
});

test('more partitions than one page of Typesense results', async (t) => {
  const { offsets } = offsetsOfTest(t);
  await offsets.init();
  const group = uniqueName('group');
  const partitions = Array.from({ length: 260 }, (_, partition) => partition);
  for (const partition of partitions) await offsets.write(group, 'wide', partition, String(partition + 10));
  const read = await offsets.read(group, 'wide');
  assert.equal(read.size, 260);
  assert.equal(read.get(259), '269');
});

test('an unreachable Typesense is a retriable store failure', async () => {
  const offsets = createTypesenseOffsets({ url: `http://127.0.0.1:${await freePort()}`, apiKey: 'k', retries: 0, timeout: 1_000 });
  await assert.rejects(offsets.read('g', 't'), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true });
  await assert.rejects(offsets.write('g', 't', 0, '1'), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true });
});
