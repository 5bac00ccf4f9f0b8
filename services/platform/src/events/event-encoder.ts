import kafkajs from 'kafkajs';
import type { Message, PartitionMetadata, RecordMetadata } from 'kafkajs';
import type avro from 'avsc';
import { ThalwegError, validationError } from '../errors/index.ts';
import type { SchemaRegistryClient } from '../registry/index.ts';
import { toHeaders, type EventMetadata } from './cloud-event-headers.ts';
import { assertPayload } from './payload-validation.ts';
import { isTraceparent, newTraceparent } from './trace-context.ts';
import { uuidv7 } from './uuid-v7.ts';

const { Partitioners } = kafkajs;

/** What the encoder needs from the schema catalogue (schemas/ as code). */
export interface SchemaSource {
  get(fullName: string): { schema: avro.Schema; type: avro.Type };
}

/** What the encoder needs from the topic specs (topics/ as code). */
export interface TopicSource {
  topicForEventType(fullName: string): { name: string };
}

/** One domain event to publish. Metadata left out is filled in (id, time, correlation, trace). */
export interface DomainEvent<T = Record<string, unknown>> {
  /** The Avro record full name, e.g. `thalweg.ledger.WalletOpened`. */
  type: string;
  /** The aggregate id: the message key and `ce_subject`. */
  subject: string;
  tenant: string;
  data: T;
  id?: string;
  time?: Date;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  tracestate?: string;
}

/** Where an event landed. */
export interface PublishResult {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/** An event ready to send: its topic, and the message with its partition chosen. */
export interface EncodedEvent {
  topic: string;
  message: Message & { partition: number };
  eventId: string;
}

export interface EventEncoderOptions {
  registry: SchemaRegistryClient;
  schemas: SchemaSource;
  topics: TopicSource;
  /** `ce_source` of every event, e.g. `/thalweg/command-api`. */
  source: string;
  /** The partitions of a topic, for the partitioner. */
  partitionsOf: (topic: string) => Promise<PartitionMetadata[]>;
}

interface Target {
  topic: string;
  schemaId: number;
  type: avro.Type;
  partitions: PartitionMetadata[];
}

/**
 * Turns domain events into Kafka messages: validates each payload against its schema, encodes it
 * in the Confluent wire format, sets the CloudEvents headers and the aggregate key, and chooses
 * the partition with Kafka's own murmur2 partitioner, so a send can report every event's offset
 * and a Java client with the same key lands on the same partition. Shared by the publisher and
 * the processor runtime, which send the same events, one plainly and one in transactions.
 */
export function createEventEncoder({ registry, schemas, topics, source, partitionsOf }: EventEncoderOptions) {
  if (!source.startsWith('/')) throw new Error(`createEventEncoder: source must be a URI reference like /thalweg/<service>, got "${source}"`);
  const partitioner = Partitioners.DefaultPartitioner()!;

  /** Checks one event before anything is sent: a batch fails as a whole on the first fault. */
  function validate(event: DomainEvent): void {
    const { type } = schemas.get(event.type);
    assertPayload(type, event.data, 'data');
    if (!event.subject) throw validationError([{ field: 'subject', message: 'the aggregate id is required' }]);
    if (!event.tenant) throw validationError([{ field: 'tenant', message: 'is required' }]);
  }

  /** Topic, schema id and partitions of one event type: registry and metadata calls, once per type per batch. */
  async function target(eventType: string): Promise<Target> {
    const { schema, type } = schemas.get(eventType);
    const topic = topics.topicForEventType(eventType).name;
    const [schemaId, partitions] = await Promise.all([registry.idFor(`${topic}-${eventType}`, schema), partitionsOf(topic)]);
    return { topic, schemaId, type, partitions };
  }

  function prepare(event: DomainEvent, { topic, schemaId, type, partitions }: Target): EncodedEvent {
    const traced = isTraceparent(event.traceparent);
    const id = event.id ?? uuidv7();
    const metadata: EventMetadata = {
      id,
      type: event.type,
      source,
      subject: event.subject,
      time: event.time ?? new Date(),
      tenant: event.tenant,
      correlationId: event.correlationId ?? id,
      traceparent: traced ? event.traceparent! : newTraceparent(),
    };
    if (event.causationId) metadata.causationId = event.causationId;
    if (event.tracestate && traced) metadata.tracestate = event.tracestate;
    const message: Message = { key: event.subject, value: registry.encode(schemaId, type, event.data), headers: toHeaders(metadata) };
    const partition = partitioner({ topic, partitionMetadata: partitions, message });
    return { topic, message: { ...message, partition }, eventId: metadata.id };
  }

  return {
    validate,
    /** Validates (unless the caller has, with `validate`), then encodes, the events in the order given. */
    async encode(events: DomainEvent[], { validated = false } = {}): Promise<EncodedEvent[]> {
      if (!validated) for (const event of events) validate(event);
      const types = [...new Set(events.map((event) => event.type))];
      const targets = new Map(await Promise.all(types.map(async (eventType) => [eventType, await target(eventType)] as const)));
      return events.map((event) => prepare(event, targets.get(event.type)!));
    },
  };
}

export type EventEncoder = ReturnType<typeof createEventEncoder>;

/** Messages grouped by topic, in order, as `sendBatch` takes them. */
export function topicMessages(encoded: Array<{ topic: string; message: Message }>): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of encoded) {
    const messages = byTopic.get(topic);
    if (messages) messages.push(message);
    else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** Offsets are reported per partition batch: the nth message of a partition sits at base + n. */
export function positionsOf(encoded: EncodedEvent[], metadata: RecordMetadata[]): PublishResult[] {
  const base = new Map(metadata.map((entry) => [`${entry.topicName}/${entry.partition}`, BigInt(entry.baseOffset ?? '0')]));
  const seen = new Map<string, bigint>();
  return encoded.map(({ topic, message, eventId }) => {
    const key = `${topic}/${message.partition}`;
    const index = seen.get(key) ?? 0n;
    seen.set(key, index + 1n);
    const first = base.get(key);
    if (first === undefined) throw new ThalwegError('THALWEG_INTERNAL', `no produce result for ${key}`);
    return { eventId, topic, partition: message.partition, offset: String(first + index) };
  });
}
