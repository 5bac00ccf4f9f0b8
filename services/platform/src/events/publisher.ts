import kafkajs from 'kafkajs';
import type { Admin, Kafka, Message, PartitionMetadata, Producer, RecordMetadata } from 'kafkajs';
import type avro from 'avsc';
import { ThalwegError, isThalwegError, validationError } from '../errors/index.ts';
import type { SchemaRegistryClient } from '../registry/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { toHeaders, type EventMetadata } from './cloud-event-headers.ts';
import { assertPayload } from './payload-validation.ts';
import { isTraceparent, newTraceparent } from './trace-context.ts';
import { uuidv7 } from './uuid-v7.ts';

const { Partitioners } = kafkajs;

/** What the publisher needs from the schema catalogue (schemas/ as code). */
export interface SchemaSource {
  get(fullName: string): { schema: avro.Schema; type: avro.Type };
}

/** What the publisher needs from the topic specs (topics/ as code). */
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

export interface PublishResult {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface PublisherOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  schemas: SchemaSource;
  topics: TopicSource;
  /** `ce_source` of every event, e.g. `/thalweg/command-api`. */
  source: string;
  logger?: Logger;
  /** Send attempts before a publish fails with THALWEG_KAFKA_UNAVAILABLE. */
  retries?: number;
  /** How long partition counts are trusted before metadata is fetched again. */
  metadataMaxAge?: number; // ms
}

interface Target {
  topic: string;
  schemaId: number;
  type: avro.Type;
  partitions: PartitionMetadata[];
}

interface Prepared {
  topic: string;
  message: Message;
  eventId: string;
}

/** Offsets are reported per partition batch: the nth message of a partition sits at base + n. */
function offsetsFor(prepared: Prepared[], metadata: RecordMetadata[]): PublishResult[] {
  const base = new Map(metadata.map((entry) => [`${entry.topicName}/${entry.partition}`, BigInt(entry.baseOffset ?? '0')]));
  const seen = new Map<string, bigint>();
  return prepared.map(({ topic, message, eventId }) => {
    const key = `${topic}/${message.partition}`;
    const index = seen.get(key) ?? 0n;
    seen.set(key, index + 1n);
    const first = base.get(key);
    if (first === undefined) throw new ThalwegError('THALWEG_INTERNAL', `no produce result for ${key}`);
    return { eventId, topic, partition: message.partition!, offset: String(first + index) };
  });
}

/**
 * The producer SDK: validates each payload against its schema, encodes it in the Confluent wire
 * format, sets the CloudEvents headers and the aggregate key, and sends with an idempotent
 * producer (acks=all). Partitions are chosen here with Kafka's own murmur2 partitioner, so a batch
 * can report every event's offset and a Java client with the same key lands on the same partition.
 */
export function createPublisher({ kafka, registry, schemas, topics, source, logger, retries = 5, metadataMaxAge = 30_000 }: PublisherOptions) {
  if (!source.startsWith('/')) throw new Error(`createPublisher: source must be a URI reference like /thalweg/<service>, got "${source}"`);
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries, initialRetryTime: 200 }, // attempts, ms
    // Every message carries its partition; naming the partitioner only silences kafkajs's notice about its default.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin: Admin = kafka.admin();
  const partitioner = Partitioners.DefaultPartitioner()!;
  const partitionCache = new Map<string, { at: number; metadata: PartitionMetadata[] }>();
  let connected: Promise<void> | undefined;

  async function partitionsOf(topic: string) {
    const cached = partitionCache.get(topic);
    if (cached && Date.now() - cached.at < metadataMaxAge) return cached.metadata;
    const { topics: described } = await admin.fetchTopicMetadata({ topics: [topic] });
    const metadata = described[0]!.partitions;
    partitionCache.set(topic, { at: Date.now(), metadata });
    return metadata;
  }

  /** Checks one event before anything is sent: the batch fails as a whole on the first fault. */
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

  function prepare(event: DomainEvent, { topic, schemaId, type, partitions }: Target): Prepared {
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
    message.partition = partitioner({ topic, partitionMetadata: partitions, message });
    return { topic, message, eventId: metadata.id };
  }

  async function prepareAll(events: DomainEvent[]): Promise<Prepared[]> {
    const types = [...new Set(events.map((event) => event.type))];
    const targets = new Map(await Promise.all(types.map(async (eventType) => [eventType, await target(eventType)] as const)));
    return events.map((event) => prepare(event, targets.get(event.type)!));
  }

  async function ensureConnected() {
    connected ??= Promise.all([producer.connect(), admin.connect()]).then(() => undefined);
    try {
      await connected;
    } catch (error) {
      connected = undefined;
      throw error;
    }
  }

  async function send(prepared: Prepared[]): Promise<PublishResult[]> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of prepared) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    const metadata = await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    return offsetsFor(prepared, metadata);
  }

  async function publishBatch(events: DomainEvent[]): Promise<PublishResult[]> {
    if (events.length === 0) return [];
    for (const event of events) validate(event);
    try {
      await ensureConnected();
      const prepared = await prepareAll(events);
      return await send(prepared);
    } catch (error) {
      if (isThalwegError(error)) throw error;
      logger?.warn('publish failed', { error });
      throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `publish failed: ${(error as Error).message}`, { cause: error });
    }
  }

  return {
    /** Publishes one event and returns where it landed. */
    async publish(event: DomainEvent): Promise<PublishResult> {
      const [result] = await publishBatch([event]);
      return result!;
    },
    /** Publishes many events in one send per topic; results are in the order given. */
    publishBatch,
    /** Connects ahead of the first publish, so readiness can wait for Kafka. */
    connect: ensureConnected,
    async disconnect() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      connected = undefined;
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;
