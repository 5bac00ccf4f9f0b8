import type { KafkaMessage } from 'kafkajs';
import { ThalwegError, isThalwegError } from '../errors/index.ts';
import { fromHeaders, type EventMetadata } from '../events/index.ts';
import type { SchemaRegistryClient } from '../registry/index.ts';
import { originalCoordinates } from '../topics/replay-headers.ts';
import type { ProjectionRecord } from './projection-types.ts';
import type avro from 'avsc';

/** Reader schemas by full name: events are decoded into the shape this projector was built for. */
export interface ReaderSchemas {
  find(fullName: string): avro.Schema | undefined;
}

/**
 * Decodes one Kafka record. Permanent failures (not the wire format, unknown schema id, body that
 * does not decode, missing tenant) come back as a failed record for the dead letter topic;
 * a registry outage is thrown, because the same bytes will decode once it is back. A replay read
 * from a retry topic reaches the handler with the coordinates it was first written at (its
 * headers name them): the read model records the event's source, whichever way it arrived.
 */
export async function decodeRecord(
  registry: SchemaRegistryClient,
  readers: ReaderSchemas | undefined,
  topic: string,
  partition: number,
  message: KafkaMessage,
): Promise<ProjectionRecord> {
  const { offset } = message;
  const fail = (error: ThalwegError): ProjectionRecord => ({ offset, message, failure: error });
  const { metadata: fromCloudEvent } = fromHeaders(message.headers);
  const headerType = fromCloudEvent?.type;
  let decoded;
  try {
    decoded = await registry.decode(message.value, headerType ? readers?.find(headerType) : undefined);
  } catch (error) {
    if (isThalwegError(error) && !error.retriable) return fail(error);
    throw error;
  }
  const type = headerType ?? decoded.writerType;
  if (!type) return fail(new ThalwegError('THALWEG_EVENT_UNDECODABLE', 'event type unknown: no ce_type header and the schema has no name'));
  if (decoded.writerType && decoded.writerType !== type) {
    return fail(new ThalwegError('THALWEG_EVENT_UNDECODABLE', `ce_type ${type} does not match the writer schema ${decoded.writerType}`));
  }
  const key = message.key?.toString('utf8');
  // Producers other than the Thalweg SDK may omit CloudEvents headers; fill what can be derived.
  const tenant = fromCloudEvent?.tenant ?? (typeof decoded.payload.tenantId === 'string' ? decoded.payload.tenantId : undefined);
  if (!tenant) return fail(new ThalwegError('THALWEG_EVENT_UNDECODABLE', 'tenant unknown: no thalweg_tenant header and no tenantId field'));
  const source = originalCoordinates({ topic, partition, offset }, message.headers);
  const origin = `${source.topic}/${source.partition}/${source.offset}`;
  const metadata: EventMetadata = fromCloudEvent ?? {
    id: origin,
    type,
    source: 'unknown',
    subject: key ?? '',
    time: new Date(Number(message.timestamp)),
    tenant,
    correlationId: origin,
    traceparent: '',
  };
  return {
    offset,
    message,
    event: { topic: source.topic, partition: source.partition, offset: source.offset, key, metadata: { ...metadata, type, tenant }, schemaId: decoded.schemaId, data: decoded.payload },
  };
}

/** Decodes a fetched batch's records in order (see decodeRecord). */
export async function decodeBatch(registry: SchemaRegistryClient, readers: ReaderSchemas | undefined, { topic, partition, messages }: { topic: string; partition: number; messages: KafkaMessage[] }): Promise<ProjectionRecord[]> {
  const records: ProjectionRecord[] = [];
  for (const message of messages) records.push(await decodeRecord(registry, readers, topic, partition, message));
  return records;
}
