import { headerNames, toHeaders } from '@thalweg/platform/events';
import { deadLetterHeaders } from '@thalweg/platform/projection';
import { replayHeaders } from '@thalweg/platform/topics';

import type { JsonObject } from './json-document.ts';

/** A header schema: Kafka headers are bytes, and every Thalweg header is UTF-8 text. */
function text(description: string, extra: JsonObject = {}): JsonObject {
  return { type: 'string', description, ...extra };
}

// Keyed by the platform's own constants: a header added there fails to compile here until it is described.
const eventHeaderSchemas: Record<keyof typeof headerNames, JsonObject> = {
  specversion: text('CloudEvents specification version.'),
  id: text('Event id, a UUIDv7: unique per event, time-ordered.', { format: 'uuid' }),
  type: text('Event type: the Avro record full name of the payload.'),
  source: text('The service that produced the event.'),
  time: text('When the event happened, RFC 3339.', { format: 'date-time' }),
  subject: text('The aggregate id, the same value as the message key.'),
  contentType: text('Media type of the value: Avro in the Confluent wire format.'),
  traceparent: text('W3C Trace Context of the span that produced the event.'),
  tracestate: text('W3C Trace Context vendor state, when the producer had any.'),
  tenant: text('The tenant the event belongs to; consumers refuse an event without one.'),
  correlationId: text('Id shared by every event that one request caused (the first event id when no request named one).'),
  causationId: text('Id of the command or event that caused this one, when there is one.'),
};

/**
 * The headers every publish sets, read from the encoder itself: a metadata without the optional
 * parts yields exactly the required headers, and the fixed values (spec version, content type).
 */
const alwaysSet = toHeaders({
  id: 'id',
  type: 'type',
  source: 'source',
  subject: 'subject',
  time: new Date(0),
  tenant: 'tenant',
  correlationId: 'correlation',
  traceparent: 'traceparent',
});
const fixedHeaders: ReadonlyArray<keyof typeof headerNames> = ['specversion', 'contentType'];

/** The CloudEvents Kafka binding (binary mode) headers every event carries, as the producer SDK sets them. */
export function cloudEventHeaders(): JsonObject {
  const properties: JsonObject = {};
  for (const [key, name] of Object.entries(headerNames) as Array<[keyof typeof headerNames, string]>) {
    properties[name] = fixedHeaders.includes(key) ? { ...eventHeaderSchemas[key], const: String(alwaysSet[name]) } : eventHeaderSchemas[key];
  }
  return { type: 'object', required: Object.keys(alwaysSet).sort(), properties };
}

const deadLetterHeaderSchemas: Record<keyof typeof deadLetterHeaders, JsonObject> = {
  topic: text('The topic the record was read from (for a replay that failed again: the retry topic).'),
  partition: text('Its partition.', { pattern: '^[0-9]+$' }),
  offset: text('Its offset.', { pattern: '^[0-9]+$' }),
  group: text('The consumer group that failed it (a generation of the group during a rebuild: <group>-g<N>).'),
  errorCode: text('Why: a THALWEG_* error code (docs/errors.md).'),
  errorMessage: text('The error message, at most 2000 characters.'),
  attempts: text('How many times the record was tried.', { pattern: '^[0-9]+$' }),
  time: text('When it was dead-lettered, RFC 3339.', { format: 'date-time' }),
};

const replayHeaderSchemas: Record<keyof typeof replayHeaders, JsonObject> = {
  count: text('How many times this event has been replayed.', { pattern: '^[0-9]+$' }),
  originalTopic: text('Where the event was first written: its topic.'),
  originalPartition: text('Its partition there.', { pattern: '^[0-9]+$' }),
  originalOffset: text('Its offset there.', { pattern: '^[0-9]+$' }),
  deadLetterTopic: text('The dead letter replayed: its topic.'),
  deadLetterPartition: text('Its partition.', { pattern: '^[0-9]+$' }),
  deadLetterOffset: text('Its offset.', { pattern: '^[0-9]+$' }),
  by: text('Who replayed it: the Kafka principal and the operating-system user.'),
  time: text('When it was replayed, RFC 3339.', { format: 'date-time' }),
  reason: text('Why, when the operator said.'),
};

/** Headers of the original record, kept byte for byte, plus `added` (all required but `optional`). */
function withOriginalHeaders(names: Record<string, string>, schemas: Record<string, JsonObject>, optional: string[] = []): JsonObject {
  const original = cloudEventHeaders() as { properties: JsonObject };
  const properties: JsonObject = {};
  for (const [name, schema] of Object.entries(original.properties)) {
    const { const: _fixed, ...loose } = schema as JsonObject;
    properties[name] = { ...loose, description: `From the original record, when it had it: ${(schema as JsonObject).description as string}` };
  }
  for (const [key, name] of Object.entries(names)) properties[name] = schemas[key];
  const required = Object.entries(names)
    .filter(([key]) => !optional.includes(key))
    .map(([, name]) => name)
    .sort();
  return { type: 'object', required, properties };
}

/** A dead letter's headers: the original record's, and where it came from and why it failed. */
export const deadLetterRecordHeaders = (): JsonObject => withOriginalHeaders(deadLetterHeaders, deadLetterHeaderSchemas);

/** A replay's headers: the original record's, and which dead letter it replays, how often, by whom. */
export const replayRecordHeaders = (): JsonObject => withOriginalHeaders(replayHeaders, replayHeaderSchemas, ['reason']);
