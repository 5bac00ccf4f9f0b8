import diagnostics from 'node:diagnostics_channel';
import { setTimeout as delay } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { ThalwegError, isThalwegError } from '../errors/index.ts';
import { createOffsetCommitter, fetchedOffset, serialTopicOffsets } from '../kafka/index.ts';
import type { SchemaRegistryClient } from '../registry/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { silentLogger } from '../telemetry/index.ts';
import { backoffDelay } from './backoff.ts';
import { createRetryPauses } from './retry-pauses.ts';
import { sendDeadLetters } from './dead-letter.ts';
import { decodeBatch, type ReaderSchemas } from './decode-record.ts';
import type { ProjectionStore } from './projection-types.ts';
import { tracedRecords } from '../events/index.ts';
import { inProcessSpan } from '../telemetry/index.ts';
import { forgetProjectionLag, recordProjectionBatch } from './projection-metrics.ts';
import { createResumePositions } from './resume-positions.ts';

/** Published once per applied or failed partition batch (benchmarks count with it), beside the metrics. */
export const projectionBatchChannel = diagnostics.channel('thalweg:projection:batch');

export interface ProjectionBatchReport {
  group: string;
  topic: string;
  partition: number;
  /** Records the batch held. */
  records: number;
  applied: number;
  deadLettered: number;
  /** The dead letters' error codes and how many of each. */
  deadLetteredByCode: Record<string, number>;
  durationMs: number;
  /** Records behind the partition's end once this batch is applied. */
  lag: number;
  failed?: { code: string; retriable: boolean; attempt: number };
  /** How long the partition is paused before the batch is tried again (a retriable failure). */
  pausedMs?: number;
}

export interface ProjectorOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  store: ProjectionStore;
  /** Consumer group: one per projection, so each store reads every event. */
  group: string;
  topics: string[];
  deadLetterTopic: (topic: string) => string;
  readers?: ReaderSchemas;
  logger?: Logger;
  /** Partitions processed in parallel by one instance; order within a partition always holds. */
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number; // ms
  heartbeatInterval?: number; // ms
  retry?: { initial?: number; max?: number }; // ms
  /** Max bytes fetched per partition: bounds batch size. */
  maxBytesPerPartition?: number; // bytes
}

export interface ProjectorStatus {
  running: boolean;
  assigned: string[];
  /** Group joins so far: more than one means rebalances happened. */
  joins: number;
  retrying: Array<{ partition: string; attempts: number; code: string }>;
  /** Partitions stopped on an error no retry can mend (their history is gone): readiness is red. */
  stopped: Array<{ partition: string; code: string; message: string }>;
}

/**
 * The projector runtime: consumes a group's topics in batches, decodes each record, hands the
 * partition batch to its store and acts on the outcome. The store's offsets are the truth: each
 * partition continues where its store is (resume-positions.ts), whatever Kafka's committed
 * offsets say, and a batch that does not follow on from it is never applied. Permanent failures
 * go to the dead letter topic inside the store's apply; transient ones (store or registry down)
 * pause the partition and retry the same batch with backoff, so order holds and nothing is skipped.
 */
export function createProjector({
  kafka,
  registry,
  store,
  group,
  topics,
  deadLetterTopic,
  readers,
  logger = silentLogger,
  partitionsConsumedConcurrently = 3,
  sessionTimeout = 30_000, // ms
  heartbeatInterval = 3_000, // ms
  retry = {},
  maxBytesPerPartition = 1_048_576, // bytes
}: ProjectorOptions) {
  if (topics.length === 0) throw new Error('createProjector: at least one topic is required');
  if (heartbeatInterval >= sessionTimeout) throw new Error('createProjector: heartbeatInterval must be lower than sessionTimeout');
  if (partitionsConsumedConcurrently < 1) throw new Error('createProjector: partitionsConsumedConcurrently must be at least 1');

  const log = logger.child({ component: 'projector', group });
  const consumer: Consumer = kafka.consumer({ groupId: group, sessionTimeout, heartbeatInterval, maxBytesPerPartition, allowAutoTopicCreation: false });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const admin: Admin = kafka.admin();
  const positions = createResumePositions({ store, group, topicOffsets: serialTopicOffsets(admin) });
  const failures = new Map<string, { attempts: number; code: string }>();
  const stopped = new Map<string, ThalwegError>();
  const pauses = createRetryPauses(retry);
  const committer = createOffsetCommitter({
    // The store holds the authoritative offset (or, without one, applying again changes nothing):
    // Kafka's copy feeds lag monitoring and where a store without offsets resumes.
    onError: (error, offsets) => log.warn('offset commit to Kafka failed', { offsets, error }),
  });
  let assigned: string[] = [];
  let joins = 0;
  /** Counts assignments, so a seek still retrying for an earlier one gives up. */
  let generation = 0;
  let running = false;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joins += 1;
    const previous = assigned;
    assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => `${topic}/${partition}`));
    // A partition that went elsewhere is no longer this instance's to report: its retries, and its lag.
    for (const key of previous) if (!assigned.includes(key)) forgetProjectionLag(group, key);
    for (const key of failures.keys()) if (!assigned.includes(key)) failures.delete(key);
    for (const key of stopped.keys()) if (!assigned.includes(key)) stopped.delete(key);
    committer.retain(new Set(assigned));
    // Another instance may have moved the store on while the partitions were elsewhere.
    positions.clear();
    generation += 1;
    void seekToStoredOffsets(payload.memberAssignment, generation);
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0) positions.skipped(payload.topic, payload.partition, payload.firstOffset, payload.lastOffset);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error('consumer crashed', { error: payload.error, restart: payload.restart });
    // kafkajs gives up on errors it will not restart from: no longer running, so readiness fails
    // and the orchestrator restarts the process.
    if (!payload.restart) running = false;
  });

  /**
   * On assignment, each partition is sought to where its store is, retrying while the store is
   * down, until the next assignment. Batches that arrive before the seek lands are checked
   * against the same positions (positions.check), so none is applied out of place.
   */
  async function seekToStoredOffsets(assignment: Record<string, number[]>, joined: number) {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        for (let attempt = 1; running && joined === generation; attempt += 1) {
          try {
            const offset = await positions.resumeAt(topic, partition);
            if (offset !== undefined && running && joined === generation) consumer.seek({ topic, partition, offset });
            break;
          } catch (error) {
            log.warn('could not read the stored offset; retrying', { topic, partition, attempt, error });
            await delay(backoffDelay(attempt, retry), undefined, { ref: false });
          }
        }
      }
    }
  }

  function report(entry: ProjectionBatchReport) {
    recordProjectionBatch(entry);
    if (projectionBatchChannel.hasSubscribers) projectionBatchChannel.publish(entry);
  }

  async function eachBatch(payload: EachBatchPayload) {
    const { batch, heartbeat, pause, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } = payload;
    const { topic, partition } = batch;
    if (!isRunning() || isStale() || batch.isEmpty()) return;
    const key = `${topic}/${partition}`;
    const attempt = (failures.get(key)?.attempts ?? 0) + 1;
    const started = performance.now();
    // Heartbeats keep the membership while a long batch is applied (kafkajs only heartbeats between calls).
    const keepAlive = setInterval(() => heartbeat().catch(() => {}), heartbeatInterval);
    const fetched = fetchedOffset(batch);
    try {
      const resume = await positions.check(topic, partition, fetched);
      if (resume.kind === 'seek') {
        if (resume.gap) log.warn('batch begins past the store\'s offset; seeking back', { topic, partition, fetched, storedOffset: resume.offset });
        consumer.seek({ topic, partition, offset: resume.offset });
        return;
      }
      const lastOffset = batch.lastOffset();
      const nextOffset = String(BigInt(lastOffset) + 1n);
      let deadLettered = 0;
      const deadLetteredByCode: Record<string, number> = {};
      // The store's calls are children of the batch's process span (docs/observability.md).
      const result = await inProcessSpan({ topic, partition, group, records: tracedRecords(batch.messages) }, async () => store.apply({
        group,
        topic,
        partition,
        records: await decodeBatch(registry, readers, batch),
        fromOffset: fetched,
        nextOffset,
        deadLetter: async (rejected) => {
          deadLettered += rejected.length;
          for (const { offset, error } of rejected) {
            log.warn('event dead-lettered', { topic, partition, offset, error });
            deadLetteredByCode[error.code] = (deadLetteredByCode[error.code] ?? 0) + 1;
          }
          await sendDeadLetters(producer, deadLetterTopic(topic), { group, topic, partition, attempts: attempt }, rejected);
        },
      }));
      positions.applied(topic, partition, nextOffset);
      resolveOffset(lastOffset);
      const committed = committer.commit({ topic, partition, offset: nextOffset }, commitOffsetsIfNecessary);
      // Stopping: the last batch's offset is committed before the group is left.
      if (!running) await committed;
      if (failures.delete(key)) log.info('partition recovered', { topic, partition, attempts: attempt });
      report({ group, topic, partition, records: batch.messages.length, applied: result.applied, deadLettered, deadLetteredByCode, durationMs: performance.now() - started, lag: Number(batch.offsetLag()) });
    } catch (error) {
      const failure = isThalwegError(error) ? error : new ThalwegError('THALWEG_INTERNAL', (error as Error).message, { cause: error, retriable: true });
      const failed = { group, topic, partition, records: batch.messages.length, applied: 0, deadLettered: 0, deadLetteredByCode: {}, durationMs: performance.now() - started, lag: Number(batch.offsetLag()), failed: { code: failure.code, retriable: failure.retriable, attempt } };
      positions.forget(topic, partition);
      if (!failure.retriable) {
        // Nothing is skipped: the partition stays paused until an operator mends it and the
        // projector restarts (or the group gives the partition to an instance that can go on).
        failures.delete(key);
        stopped.set(key, failure);
        report(failed);
        pause();
        log.error('partition stopped', { topic, partition, error: failure });
        return;
      }
      failures.set(key, { attempts: attempt, code: failure.code });
      // Seek back to where the batch was fetched so the retry sees exactly the same events, in order.
      consumer.seek({ topic, partition, offset: fetched });
      const delay = pauses.pause({ pause }, attempt);
      report({ ...failed, pausedMs: delay });
      log.warn('batch failed; partition paused for retry', { topic, partition, attempt, delayMs: delay, error: failure });
    } finally {
      clearInterval(keepAlive);
    }
  }

  return {
    async start() {
      if (running) return;
      await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
      // Running before `run`: kafkajs joins the group inside it, and a crash there (reported by
      // the CRASH event) must leave the projector not running.
      running = true;
      await consumer.run({ eachBatchAutoResolve: false, autoCommit: false, partitionsConsumedConcurrently, eachBatch }).catch((error: unknown) => {
        running = false;
        throw error;
      });
      log.info('projector started', { topics });
    },
    /** Finishes the batch in progress, commits, leaves the group. */
    async stop() {
      running = false;
      pauses.clear();
      await committer.flush();
      // The consumer first (it waits for the batch in progress, which may still send dead letters),
      // then the producer, even when the first fails: a half-closed projector keeps the process alive.
      await consumer.disconnect().catch((error: unknown) => log.warn('error while leaving the group', { error }));
      await producer.disconnect().catch((error: unknown) => log.warn('error while closing the producer', { error }));
      await admin.disconnect().catch(() => {});
      log.info('projector stopped');
    },
    status(): ProjectorStatus {
      return {
        running,
        assigned: [...assigned],
        joins,
        retrying: [...failures].map(([partition, { attempts, code }]) => ({ partition, attempts, code })),
        stopped: [...stopped].map(([partition, { code, message }]) => ({ partition, code, message })),
      };
    },
  };
}

export type Projector = ReturnType<typeof createProjector>;
