import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerNames } from '@thalweg/platform/events';
import { deadLetterHeaders } from '@thalweg/platform/projection';
import { loadSchemaCatalog, subjectFor } from '@thalweg/platform/schemas';
import { derivedFrom, desiredTopics, loadTopicSpecs, projectionCatalogue, replayHeaders } from '@thalweg/platform/topics';
import { asyncApiDocument } from './asyncapi-document.ts';
import { avroSchemaFormat, cloudEventHeadersId, derivedMessageIds } from './asyncapi-messages.ts';

// The real specs and schemas: every expectation below is derived from them, none listed here.
const specs = loadTopicSpecs();
const catalog = loadSchemaCatalog();
// Read back as JSON, as a consumer of the committed file reads it (and proving it is plain JSON).
const document = JSON.parse(JSON.stringify(asyncApiDocument({ specs, catalog, version: '1.2.3' })));
const channelOf = (name: string) => document.channels[name];
const refsOf = (list: Array<{ $ref: string }>) => list.map((item) => item.$ref);

test('the document is AsyncAPI 3.0.0 with the version it was given', () => {
  assert.equal(document.asyncapi, '3.0.0');
  assert.equal(document.info.version, '1.2.3');
});

test('every topic the specs declare or derive is a channel at its name, with its partitions, replicas and configs', () => {
  const topics = desiredTopics(specs.all());
  assert.ok(topics.some((topic) => topic.deadLetterOf) && topics.some((topic) => topic.retryOf) && topics.some((topic) => topic.changelogOf));
  assert.deepEqual(Object.keys(document.channels).sort(), topics.map((topic) => topic.name).sort());
  for (const topic of topics) {
    const { address, bindings } = channelOf(topic.name);
    assert.equal(address, topic.name);
    assert.equal(bindings.kafka.partitions, topic.partitions, topic.name);
    assert.equal(bindings.kafka.replicas, topic.replicationFactor, topic.name);
    assert.deepEqual(Object.keys(bindings.kafka.topicConfiguration).sort(), Object.keys(topic.configs).sort(), topic.name);
    assert.deepEqual(bindings.kafka.topicConfiguration['cleanup.policy'], topic.configs['cleanup.policy']!.split(','), topic.name);
    if (topic.configs['retention.ms'] !== undefined) assert.equal(bindings.kafka.topicConfiguration['retention.ms'], Number(topic.configs['retention.ms']));
  }
});

test('every schema is a message with its Avro schema as the payload, and each topic carries exactly its event types', () => {
  for (const entry of catalog.all()) {
    const message = document.components.messages[entry.fullName];
    assert.ok(message, `${entry.fullName} has a message`);
    assert.equal(message.payload.schemaFormat, avroSchemaFormat);
    assert.deepEqual(message.payload.schema, entry.schema);
  }
  for (const spec of specs.all()) {
    const messages = channelOf(spec.name).messages;
    assert.deepEqual(Object.keys(messages).sort(), [...spec.eventTypes].sort(), spec.name);
    for (const fullName of spec.eventTypes) {
      assert.equal(messages[fullName].$ref, `#/components/messages/${fullName}`);
      const binding = document.components.messages[fullName].bindings.kafka;
      assert.equal(binding['x-thalweg-subject'], subjectFor(spec.name, fullName));
      assert.equal(binding.schemaLookupStrategy, 'TopicRecordNameStrategy');
      assert.equal(binding.key.type, 'string');
    }
  }
});

test("an event's headers are the platform's CloudEvents headers, with ce_type fixed to its record", () => {
  const shared = document.components.schemas[cloudEventHeadersId];
  assert.deepEqual(Object.keys(shared.properties).sort(), Object.values(headerNames).sort());
  for (const required of [headerNames.id, headerNames.type, headerNames.source, headerNames.time, headerNames.subject, headerNames.tenant, headerNames.traceparent]) {
    assert.ok(shared.required.includes(required), `${required} is required`);
  }
  assert.ok(!shared.required.includes(headerNames.causationId) && !shared.required.includes(headerNames.tracestate));
  assert.equal(shared.properties[headerNames.contentType].const, 'application/avro');
  for (const entry of catalog.all()) {
    const [base, own] = document.components.messages[entry.fullName].headers.allOf;
    assert.equal(base.$ref, `#/components/schemas/${cloudEventHeadersId}`);
    assert.equal(own.properties[headerNames.type].const, entry.fullName);
  }
});

test('every producer a spec names sends, and every consumer group receives with its group id', () => {
  const operations: any[] = Object.values(document.operations);
  const on = (channel: string, action: string) => operations.filter((op) => op.channel.$ref === `#/channels/${channel}` && op.action === action);
  for (const spec of specs.all()) {
    const sends = on(spec.name, 'send');
    assert.equal(sends.length, spec.producers.length, spec.name);
    for (const producer of spec.producers) assert.ok(document.operations[`${spec.name}.send.${producer}`], `${producer} sends to ${spec.name}`);
    const receives = on(spec.name, 'receive');
    assert.deepEqual(receives.map((op) => op.bindings.kafka.groupId.enum[0]).sort(), spec.consumers.map((consumer) => consumer.group).sort(), spec.name);
    for (const op of [...sends, ...receives]) {
      assert.deepEqual(refsOf(op.messages).sort(), spec.eventTypes.map((fullName) => `#/channels/${spec.name}/messages/${fullName}`).sort());
    }
  }
});

test("derived topics carry dead letters, replays or state, and their group's operations", () => {
  for (const topic of desiredTopics(specs.all())) {
    const from = derivedFrom(topic);
    if (!from) continue;
    const id = topic.deadLetterOf ? derivedMessageIds.deadLetter : topic.retryOf ? derivedMessageIds.replay : derivedMessageIds.changelog;
    assert.deepEqual(Object.keys(channelOf(topic.name).messages), [id], topic.name);
    const writer = topic.retryOf ? 'operator' : from.group;
    assert.ok(document.operations[`${topic.name}.send.${writer}`], `${writer} sends to ${topic.name}`);
    // Only projectors read their replays: no receive is documented for a group that takes none.
    const readsReplays = projectionCatalogue.some((projection) => projection.service === from.group);
    if (topic.changelogOf) {
      // The processor restores its state in a group of its own per instance.
      const { pattern } = document.operations[`${topic.name}.receive.${from.group}`].bindings.kafka.groupId;
      assert.match(`${from.group}-restore-0a1b2c3d`, new RegExp(pattern));
      assert.doesNotMatch(from.group, new RegExp(pattern));
    }
    if (topic.retryOf) assert.equal(document.operations[`${topic.name}.receive.${from.group}`]?.bindings.kafka.groupId.enum[0], readsReplays ? from.group : undefined, topic.name);
  }
  const deadLetter = document.components.messages[derivedMessageIds.deadLetter].headers;
  assert.deepEqual([...deadLetter.required].sort(), Object.values(deadLetterHeaders).sort());
  const replay = document.components.messages[derivedMessageIds.replay].headers;
  for (const name of Object.values(replayHeaders)) assert.ok(replay.properties[name], name);
  assert.ok(!replay.required.includes(replayHeaders.reason));
});

test('the development server is Kafka with SASL/SCRAM', () => {
  const { development } = document.servers;
  assert.equal(development.protocol, 'kafka');
  assert.match(document.components.securitySchemes[development.security[0].$ref.split('/').pop()].type, /^scramSha(256|512)$/);
});

test('the maps are sorted and a second generation is identical, byte for byte', () => {
  for (const map of [document.channels, document.operations, document.components.messages]) {
    const keys = Object.keys(map);
    assert.deepEqual(keys, [...keys].sort());
  }
  assert.equal(JSON.stringify(asyncApiDocument({ specs, catalog, version: '1.2.3' })), JSON.stringify(document));
});
