import kafkajs from 'kafkajs';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { ThalwegError, isThalwegError } from '../errors/index.ts';
import type { SchemaRegistryClient } from '../registry/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { createEventEncoder, positionsOf, topicMessages, type DomainEvent, type PublishResult, type SchemaSource, type TopicSource } from './event-encoder.ts';
import { cachedPartitions } from './partition-metadata.ts';
import { recordSendFailure, recordSent } from './producer-metrics.ts';
import { inSendSpan, secondsSince, traceHeadersOf } from '../telemetry/index.ts';

const { Partitioners } = kafkajs;

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

/**
 * The producer SDK: encodes each event (see createEventEncoder: schema validation, Confluent wire
 * format, CloudEvents headers, the aggregate key and its murmur2 partition) and sends with an
 * idempotent producer (acks=all). It returns where each event landed.
 */
export function createPublisher({ kafka, registry, schemas, topics, source, logger, retries = 5, metadataMaxAge = 30_000 }: PublisherOptions) {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries, initialRetryTime: 200 }, // attempts, ms
    // Every message carries its partition; naming the partitioner only silences kafkajs's notice about its default.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin: Admin = kafka.admin();
  const encoder = createEventEncoder({ registry, schemas, topics, source, partitionsOf: cachedPartitions(admin, metadataMaxAge) });
  let connected: Promise<void> | undefined;
  /** The topic an event goes to, for the metrics; an unknown type (refused by validate) has none. */
  const topicOf = (event: DomainEvent): string => {
    try {
      return topics.topicForEventType(event.type).name;
    } catch {
      return 'unknown';
    }
  };

  async function ensureConnected() {
    connected ??= Promise.all([producer.connect(), admin.connect()]).then(() => undefined);
    try {
      await connected;
    } catch (error) {
      connected = undefined;
      throw error;
    }
  }

  async function publishBatch(events: DomainEvent[]): Promise<PublishResult[]> {
    if (events.length === 0) return [];
    const started = performance.now();
    const eventTopics = events.map((event) => topicOf(event));
    return inSendSpan(eventTopics, events.length, async (active) => {
      try {
        // Checked before connecting: a payload at fault is a field error whether Kafka is up or not.
        for (const event of events) encoder.validate(event);
        await ensureConnected();
        // Each event is created by this send: its trace headers name the send span, when one records.
        const traced = traceHeadersOf(active);
        const encoded = await encoder.encode(traced.traceparent ? events.map((event) => ({ ...event, ...traced })) : events, { validated: true });
        const metadata = await producer.sendBatch({ acks: -1, topicMessages: topicMessages(encoded) });
        recordSent(eventTopics, secondsSince(started));
        return positionsOf(encoded, metadata);
      } catch (error) {
        const failure = isThalwegError(error) ? error : new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `publish failed: ${(error as Error).message}`, { cause: error });
        recordSendFailure(eventTopics, failure.code);
        if (!isThalwegError(error)) logger?.warn('publish failed', { error });
        throw failure;
      }
    });
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
