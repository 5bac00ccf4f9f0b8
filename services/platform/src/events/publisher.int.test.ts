import { test } from 'node:test';
import assert from 'node:assert/strict';
import type avro from 'avsc';
import confluentRegistry from '@kafkajs/confluent-schema-registry';
import { parseAvroSchema, createSchemaRegistryClient } from '../registry/index.ts';
import { createTestTopic, readTopic, registerTestSchemas, testAdmin, testKafka, testStack, onCleanup } from '../testing/index.ts';
import { createPublisher } from './publisher.ts';

const sampleSchema = {
  type: 'record',
  name: 'SampleHappened',
  namespace: 'thalweg.test',
  fields: [
    { name: 'sampleId', type: 'string' },
    { name: 'amountMinor', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
} as const satisfies avro.Schema;
const sampleType = parseAvroSchema(sampleSchema as unknown as avro.Schema);

async function setup(t: import('node:test').TestContext, { register = true } = {}) {
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const topic = await createTestTopic(t, admin, { prefix: 'publisher', partitions: 3 });
  const ids = register ? await registerTestSchemas(t, topic, [{ fullName: 'thalweg.test.SampleHappened', schema: sampleSchema }]) : new Map();
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const publisher = createPublisher({
    kafka,
    registry,
    schemas: { get: () => ({ schema: sampleSchema as unknown as avro.Schema, type: sampleType }) },
    topics: { topicForEventType: () => ({ name: topic }) },
    source: '/thalweg/test',
  });
  onCleanup(t, () => publisher.disconnect());
  return { kafka, topic, ids, registry, publisher };
}

const sample = (index: number) => ({ sampleId: `s-${index}`, amountMinor: index * 100, at: new Date(1_700_000_000_000 + index) });

test('publish writes the Confluent wire format, CloudEvents headers and the aggregate key', async (t) => {
  const { kafka, topic, ids, registry, publisher } = await setup(t);
  const result = await publisher.publish({ type: 'thalweg.test.SampleHappened', subject: 'agg-1', tenant: 'acme', data: sample(1), causationId: 'cmd-9' });
  assert.equal(result.topic, topic);
  const [record] = await readTopic(t, kafka, topic, 1);
  assert.equal(record!.partition, result.partition);
  assert.equal(record!.offset, result.offset);
  assert.equal(record!.key!.toString(), 'agg-1');
  const value = record!.value!;
  assert.equal(value[0], 0, 'magic byte');
  assert.equal(value.readInt32BE(1), ids.get('thalweg.test.SampleHappened'), 'schema id from the registry');
  assert.deepEqual({ ...sampleType.fromBuffer(value.subarray(5)) }, sample(1));
  const header = (name: string) => record!.headers![name]!.toString();
  assert.equal(header('ce_specversion'), '1.0');
  assert.equal(header('ce_id'), result.eventId);
  assert.equal(header('ce_type'), 'thalweg.test.SampleHappened');
  assert.equal(header('ce_source'), '/thalweg/test');
  assert.equal(header('ce_subject'), 'agg-1');
  assert.equal(header('content-type'), 'application/avro');
  assert.equal(header('thalweg_tenant'), 'acme');
  assert.equal(header('thalweg_causation_id'), 'cmd-9');
  assert.match(header('traceparent'), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const decoded = await registry.decode(value);
  assert.equal(decoded.writerType, 'thalweg.test.SampleHappened');
  assert.deepEqual({ ...decoded.payload }, sample(1));
});

test('a stock Confluent client decodes a Thalweg event with nothing but the registry URL', async (t) => {
  const { kafka, topic, publisher } = await setup(t);
  await publisher.publish({ type: 'thalweg.test.SampleHappened', subject: 'agg-2', tenant: 'acme', data: sample(2) });
  const [record] = await readTopic(t, kafka, topic, 1);
  const stock = new confluentRegistry.SchemaRegistry({ host: testStack.registryUrl });
  const decoded = (await stock.decode(record!.value!)) as Record<string, unknown>;
  // Without Thalweg's logical types a timestamp-millis is the plain long of the Avro spec.
  assert.deepEqual({ ...decoded }, { sampleId: 's-2', amountMinor: 200, at: 1_700_000_000_002 });
});

test('a batch reports the partition and offset of every event', async (t) => {
  const { kafka, topic, publisher } = await setup(t);
  const events = Array.from({ length: 40 }, (_, index) => ({ type: 'thalweg.test.SampleHappened', subject: `agg-${index % 7}`, tenant: 'acme', data: sample(index) }));
  const results = await publisher.publishBatch(events);
  assert.equal(new Set(results.map((result) => result.partition)).size > 1, true, 'keys spread over partitions');
  const records = await readTopic(t, kafka, topic, 40);
  for (const result of results) {
    const record = records.find((candidate) => candidate.partition === result.partition && candidate.offset === result.offset);
    assert.ok(record, `a record at ${result.partition}/${result.offset}`);
    assert.equal(record.headers!.ce_id!.toString(), result.eventId);
  }
  const byKey = new Map<string, Set<number>>();
  for (const record of records) byKey.set(record.key!.toString(), (byKey.get(record.key!.toString()) ?? new Set()).add(record.partition));
  assert.ok([...byKey.values()].every((partitions) => partitions.size === 1), 'one key, one partition');
});

test('an invalid payload is refused with the field named and nothing is sent', async (t) => {
  const { publisher } = await setup(t);
  await assert.rejects(
    publisher.publish({ type: 'thalweg.test.SampleHappened', subject: 'agg', tenant: 'acme', data: { ...sample(1), amountMinor: 'lots' } }),
    (error: Error & { code?: string; fields?: Array<{ field: string }> }) => {
      assert.equal(error.code, 'THALWEG_VALIDATION_FAILED');
      assert.deepEqual(error.fields!.map((entry) => entry.field), ['data.amountMinor']);
      return true;
    },
  );
});

test('a schema the registry does not know is a permanent SCHEMA_NOT_FOUND', async (t) => {
  const { publisher } = await setup(t, { register: false });
  await assert.rejects(publisher.publish({ type: 'thalweg.test.SampleHappened', subject: 'agg', tenant: 'acme', data: sample(1) }), (error: Error & { code?: string; retriable?: boolean }) => {
    assert.equal(error.code, 'THALWEG_SCHEMA_NOT_FOUND');
    assert.equal(error.retriable, false);
    return true;
  });
});
