import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type avro from 'avsc';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { ThalwegError } from '../errors/index.ts';
import { createPublisher } from '../events/index.ts';
import { deadLetterHeaders } from '../projection/index.ts';
import { createSchemaRegistryClient, parseAvroSchema, type SchemaRegistryClient } from '../registry/index.ts';
import { createTestTopic, onCleanup, readTopic, registerTestSchemas, testAdmin, testKafka, testStack, uniqueName, waitFor } from '../testing/index.ts';
import { createProcessor, type ProcessorOptions } from './processor-runtime.ts';
import { processorRestoreChannel, type ProcessorRestoreReport } from './partition-task.ts';
import { processorReadiness } from './processor-readiness.ts';
import type { ProcessorHandler } from './processor-types.ts';

// A running total per key, decided by the processor runtime against the real broker and registry:
// each input `Added` becomes a `Totalled` event (the new total) and, once that is written, a
// `Noted` event naming where it landed.

const record = (name: string, fields: avro.Schema[]) => ({ type: 'record', name, namespace: 'thalweg.test', fields }) as unknown as avro.Schema;
const schemas = {
  'thalweg.test.Added': record('Added', [{ name: 'key', type: 'string' }, { name: 'amount', type: 'long' }] as unknown as avro.Schema[]),
  'thalweg.test.Totalled': record('Totalled', [{ name: 'key', type: 'string' }, { name: 'total', type: 'long' }] as unknown as avro.Schema[]),
  'thalweg.test.Noted': record('Noted', [{ name: 'key', type: 'string' }, { name: 'offset', type: 'string' }] as unknown as avro.Schema[]),
};
type TypeName = keyof typeof schemas;
const catalog = { get: (fullName: string) => ({ schema: schemas[fullName as TypeName], type: parseAvroSchema(schemas[fullName as TypeName]) }) };

const totals: ProcessorHandler = ({ data, metadata }, state) => {
  const { key, amount } = data as { key: string; amount: number };
  if (amount < 0) throw new ThalwegError('THALWEG_EVENT_REJECTED', 'amounts are never negative');
  const total = (state.get<number>(`total:${key}`) ?? 0) + amount;
  state.set(`total:${key}`, total);
  return {
    events: [{ type: 'thalweg.test.Totalled', subject: key, tenant: metadata.tenant, data: { key, total } }],
    then: ([written]) => [{ type: 'thalweg.test.Noted', subject: key, tenant: metadata.tenant, data: { key, offset: `${written!.partition}@${written!.offset}` } }],
  };
};

async function fixture(t: TestContext, { partitions = 2 } = {}) {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const input = await createTestTopic(t, admin, { prefix: 'processor-in', partitions });
  const output = await createTestTopic(t, admin, { prefix: 'processor-out', partitions });
  const group = uniqueName('processor');
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const changelog = await createTestTopic(t, admin, { name: `${input}.${group}.changelog`, partitions, configs: { 'cleanup.policy': 'compact' } });
  const deadLetters = await createTestTopic(t, admin, { name: `${input}.${group}.dlq`, partitions });
  await registerTestSchemas(t, input, [{ fullName: 'thalweg.test.Added', schema: schemas['thalweg.test.Added'] }]);
  await registerTestSchemas(t, output, [
    { fullName: 'thalweg.test.Totalled', schema: schemas['thalweg.test.Totalled'] },
    { fullName: 'thalweg.test.Noted', schema: schemas['thalweg.test.Noted'] },
  ]);
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: () => ({ name: input }) }, source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());
  const add = (key: string, amount: number) => publisher.publish({ type: 'thalweg.test.Added', subject: key, tenant: 'acme', data: { key, amount } });

  const start = async (overrides: Partial<ProcessorOptions> = {}) => {
    const usedRegistry = overrides.registry ?? registry;
    const processor = createProcessor({
      kafka,
      registry: usedRegistry,
      handler: totals,
      schemas: catalog,
      outputs: { topicForEventType: () => ({ name: output }) },
      source: '/thalweg/test-processor',
      group,
      topics: [input],
      changelogTopic: () => changelog,
      deadLetterTopic: () => deadLetters,
      readers: { find: (fullName) => schemas[fullName as TypeName] },
      retry: { initial: 100, max: 1_000 },
      ...overrides,
    });
    onCleanup(t, () => processor.stop());
    await processor.start();
    return processor;
  };
  return { kafka, admin, input, output, group, changelog, deadLetters, registry, add, start };
}

/** What a consumer of the given isolation sees on a topic, decoded, once `until` holds. */
async function readDecoded(t: TestContext, kafka: Kafka, registry: SchemaRegistryClient, topic: string, until: (seen: Array<{ type: string; data: Record<string, unknown> }>) => boolean, { readUncommitted = false } = {}) {
  const consumer = kafka.consumer({ groupId: uniqueName('processor-reader'), readUncommitted, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
  onCleanup(t, () => consumer.disconnect());
  const seen: Array<{ type: string; data: Record<string, unknown>; message: KafkaMessage }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = await registry.decode(message.value);
      seen.push({ type: decoded.writerType!, data: decoded.payload, message });
    },
  });
  await waitFor(() => until(seen), { description: `the expected records on ${topic}` });
  await consumer.disconnect();
  return seen;
}

const totalsOf = (seen: Array<{ type: string; data: Record<string, unknown> }>) => seen.filter((entry) => entry.type === 'thalweg.test.Totalled').map((entry) => `${String(entry.data.key)}=${String(entry.data.total)}`).sort();

test('inputs are decided exactly once against the state, with follow-up events naming where the first landed', async (t) => {
  const f = await fixture(t);
  for (const [key, amount] of [['a', 1], ['b', 10], ['a', 2], ['a', 3], ['b', 20]] as const) await f.add(key, amount);
  const processor = await f.start();
  const seen = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => entries.length >= 10);
  assert.deepEqual(totalsOf(seen), ['a=1', 'a=3', 'a=6', 'b=10', 'b=30']);
  const noted = seen.filter((entry) => entry.type === 'thalweg.test.Noted').map((entry) => entry.data.offset);
  const totalled = seen.filter((entry) => entry.type === 'thalweg.test.Totalled').map((entry) => `${entry.message.headers!.ce_subject}`);
  assert.equal(noted.length, 5);
  assert.equal(totalled.length, 5);
  await waitFor(async () => processorReadiness(processor).check().then(() => true), { description: 'ready once restored and deciding' });
  const [offsets] = await f.admin.fetchOffsets({ groupId: f.group, topics: [f.input] });
  const committed = offsets!.partitions.reduce((sum, entry) => sum + Math.max(0, Number(entry.offset)), 0);
  assert.ok(committed >= 5, `the group's offsets were committed with the transactions (${committed})`);
});

test('state lost locally is restored from the changelog before the next record is decided', async (t) => {
  const f = await fixture(t);
  await f.add('k', 5);
  await f.add('k', 7);
  const first = await f.start();
  await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('k=12'));
  await first.stop();

  const restores: ProcessorRestoreReport[] = [];
  const listen = (report: unknown) => void restores.push(report as ProcessorRestoreReport);
  processorRestoreChannel.subscribe(listen);
  onCleanup(t, () => processorRestoreChannel.unsubscribe(listen));
  // A new instance (a new process in production) holds nothing in memory.
  const second = await f.start();
  await f.add('k', 30);
  const seen = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('k=42'));
  assert.deepEqual(totalsOf(seen), ['k=12', 'k=42', 'k=5'], 'the total went on from the restored state, and nothing was decided twice');
  const restored = restores.filter((report) => report.group === f.group && report.kind === 'full');
  assert.ok(restored.some((report) => report.records > 0 && report.keys > 0), `the changelog was read back (${JSON.stringify(restored)})`);
  assert.ok(second.status().partitions.every((entry) => entry.phase === 'active' && entry.restored?.durationMs !== undefined));
});

test('undecodable bytes and rejected inputs are dead-lettered inside the transaction while the partition moves on', async (t) => {
  const f = await fixture(t, { partitions: 1 });
  const producer = f.kafka.producer();
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  await f.add('p', 1);
  await producer.send({ topic: f.input, acks: -1, messages: [{ key: 'p', value: Buffer.from('not avro') }] });
  const negative = await f.add('p', -4);
  await f.add('p', 2);
  await f.start();
  const seen = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('p=3'));
  assert.deepEqual(totalsOf(seen), ['p=1', 'p=3'], 'the rejected input changed nothing');
  const letters = await readTopic(t, f.kafka, f.deadLetters, 2);
  const code = (letter: KafkaMessage) => letter.headers![deadLetterHeaders.errorCode]!.toString();
  assert.deepEqual(letters.map(code).sort(), ['THALWEG_EVENT_REJECTED', 'THALWEG_EVENT_UNDECODABLE']);
  const rejected = letters.find((letter) => code(letter) === 'THALWEG_EVENT_REJECTED')!;
  assert.equal(rejected.headers![deadLetterHeaders.offset]!.toString(), negative.offset);
  assert.equal(letters.find((letter) => code(letter) === 'THALWEG_EVENT_UNDECODABLE')!.value!.toString(), 'not avro', 'the original bytes are kept');
});

test('a transient failure after events were written aborts the transaction and decides again without producing twice', async (t) => {
  const f = await fixture(t, { partitions: 1 });
  // The registry refuses the follow-up's schema once: the Totalled event is already written in the transaction.
  let refusals = 1;
  const flaky: SchemaRegistryClient = {
    ...f.registry,
    idFor: async (subject, schema) => {
      if (subject.endsWith('thalweg.test.Noted') && refusals > 0) {
        refusals -= 1;
        throw new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', 'registry briefly unavailable');
      }
      return f.registry.idFor(subject, schema);
    },
  };
  await f.add('r', 4);
  const processor = await f.start({ registry: flaky });
  const seen = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => entries.some((entry) => entry.type === 'thalweg.test.Noted'));
  assert.equal(refusals, 0, 'the failure happened');
  assert.deepEqual(totalsOf(seen), ['r=4'], 'decided once: the aborted attempt is invisible');
  const everything = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => entries.some((entry) => entry.type === 'thalweg.test.Noted'), { readUncommitted: true });
  assert.deepEqual(totalsOf(everything), ['r=4', 'r=4'], 'the aborted attempt had written its event');
  await f.add('r', 1);
  await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('r=5'));
  assert.equal(processor.status().retrying.length, 0);
});

test('an instance that takes a partition fences the one that had it: nothing the older writes afterwards is visible', async (t) => {
  const f = await fixture(t, { partitions: 1 });
  await f.add('z', 1);
  const older = await f.start();
  await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('z=1'));
  // A second deployment given the same partition (here under another group, so both own it).
  const otherGroup = uniqueName('processor-other');
  onCleanup(t, () => f.admin.deleteGroups([otherGroup]).catch(() => {}));
  const newer = await f.start({ group: otherGroup, transactionalIdPrefix: f.group });
  await waitFor(() => newer.status().partitions.some((entry) => entry.phase === 'active'), { description: 'the newer instance restored the partition' });
  await f.add('z', 2);
  await waitFor(() => older.status().partitions.some((entry) => entry.phase === 'fenced'), { description: 'the older instance is fenced' });
  const seen = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('z=3'));
  assert.deepEqual(totalsOf(seen), ['z=1', 'z=3'], 'decided once, by the newer instance, from the restored state');
  await assert.rejects(processorReadiness(older).check(), /fenced/);
  const everything = await readDecoded(t, f.kafka, f.registry, f.output, (entries) => totalsOf(entries).includes('z=3'), { readUncommitted: true });
  assert.deepEqual(totalsOf(everything), ['z=1', 'z=3'], 'the fenced instance could not even write');
});
