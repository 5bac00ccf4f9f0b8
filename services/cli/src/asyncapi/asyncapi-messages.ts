import { relative } from 'node:path';
import { CONTENT_TYPE_AVRO, headerNames } from '@thalweg/platform/events';
import { subjectFor, type SchemaEntry } from '@thalweg/platform/schemas';
import type { TopicSpec } from '@thalweg/platform/topics';
import { deadLetterRecordHeaders, replayRecordHeaders } from './header-schemas.ts';
import { ref, type JsonObject } from './json-document.ts';
import { eventKey, eventMessageBinding, kafkaBindingVersion } from './kafka-bindings.ts';

/** The schema format of an Avro payload, as the AsyncAPI specification names Avro 1.9. */
export const avroSchemaFormat = 'application/vnd.apache.avro;version=1.9.0';

/** Ids of the messages every dead letter, retry and changelog topic carries. */
/** The component schema of the CloudEvents headers every event message refers to. */
export const cloudEventHeadersId = 'CloudEventHeaders';

export const derivedMessageIds = { deadLetter: 'thalweg.DeadLetter', replay: 'thalweg.ReplayedEvent', changelog: 'thalweg.ChangelogRecord' } as const;

const correlationId = {
  description: 'Shared by every event one request caused.',
  location: `$message.header#/${headerNames.correlationId}`,
};

/** One event type: its Avro schema as the payload, its CloudEvents headers, its key and subject. */
export function eventMessage(entry: SchemaEntry, topic: TopicSpec, schemasRoot: string): JsonObject {
  const subject = subjectFor(topic.name, entry.fullName);
  const doc = typeof entry.schema.doc === 'string' ? entry.schema.doc : undefined;
  return {
    name: entry.fullName,
    title: entry.name,
    ...(doc ? { summary: doc } : {}),
    description: [
      `Declared in schemas/${relative(schemasRoot, entry.file).split('\\').join('/')}; allowed on ${topic.name} (topics/${topic.name}.yaml).`,
      `Value: the Confluent wire format (byte 0 = magic 0, bytes 1-4 = the big-endian schema id, then the Avro binary body); the id is registered under the subject ${subject} (TopicRecordNameStrategy) at ${topic.compatibility}.`,
    ].join(' '),
    contentType: CONTENT_TYPE_AVRO,
    // The shared headers, with ce_type fixed to this record.
    headers: { allOf: [ref('components', 'schemas', cloudEventHeadersId), { type: 'object', properties: { [headerNames.type]: { type: 'string', const: entry.fullName } } }] },
    correlationId,
    payload: { schemaFormat: avroSchemaFormat, schema: entry.schema },
    bindings: eventMessageBinding(eventKey(topic.description), subject),
  };
}

const originalKey = { type: 'string', description: "The original record's key, byte for byte (the aggregate id)." };
const originalValue = {
  type: 'string',
  format: 'binary',
  description: "The original record's value, byte for byte: one of the topic's events in the Confluent wire format, or the bytes that could not be decoded.",
};

/** The messages of derived topics, the same on every topic: what a dead letter, a replay and a state change look like. */
export function derivedMessages(): Record<string, JsonObject> {
  return {
    [derivedMessageIds.changelog]: {
      name: derivedMessageIds.changelog,
      title: 'Changelog record',
      summary: "A change of a stateful group's partition state.",
      description:
        "The processor's private state, JSON rather than registered Avro: the state key as the message key, its new value as JSON, a deletion as a tombstone (null value) that compaction removes. One key holds the next input offset, written in the same transaction as the state and the outputs.",
      contentType: 'application/json',
      headers: { type: 'object', properties: { [headerNames.contentType]: { type: 'string', const: 'application/json' } } },
      payload: { description: 'The state value; null deletes the key.' },
      bindings: { kafka: { key: { type: 'string', description: 'The state key, UTF-8.' }, bindingVersion: kafkaBindingVersion } },
    },
    [derivedMessageIds.deadLetter]: {
      name: derivedMessageIds.deadLetter,
      title: 'Dead letter',
      summary: 'A record its consumer group could never apply, kept to be replayed or discarded.',
      description: 'The original key, value and headers byte for byte, plus headers naming where it was read and why it failed (`thalweg dlq list|show|replay|discard`).',
      headers: deadLetterRecordHeaders(),
      payload: originalValue,
      bindings: { kafka: { key: originalKey, bindingVersion: kafkaBindingVersion } },
    },
    [derivedMessageIds.replay]: {
      name: derivedMessageIds.replay,
      title: 'Replayed event',
      summary: 'A dead letter sent back to the group that failed it, by `thalweg dlq replay`.',
      description: "The event's key, value and headers byte for byte, in the partition it was first written to, plus headers naming where it was first written and the dead letter it replays.",
      headers: replayRecordHeaders(),
      payload: originalValue,
      bindings: { kafka: { key: originalKey, bindingVersion: kafkaBindingVersion } },
    },
  };
}
