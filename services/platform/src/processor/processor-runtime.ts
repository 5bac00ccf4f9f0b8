import diagnostics from 'node:diagnostics_channel';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ThalwegError, isThalwegError } from '../errors/index.ts';
import { cachedPartitions, createEventEncoder, type SchemaSource, type TopicSource } from '../events/index.ts';
import { backoffDelay, createRetryPauses, decodeBatch, type ReaderSchemas } from '../projection/index.ts';
import type { SchemaRegistryClient } from '../registry/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { silentLogger } from '../telemetry/index.ts';
import { createPartitionTask, type PartitionTask, type TaskPhase } from './partition-task.ts';
import { forgetProcessorPartition, recordProcessorBatch } from './processor-metrics.ts';
import type { ProcessorHandler } from './processor-types.ts';
import { createStateRestorer } from './state-restorer.ts';
import { fetchedOffset, serialTopicOffsets } from '../kafka/index.ts';

/** Published once per decided or failed partition batch (benchmarks count with it), beside the metrics. */
export const processorBatchChannel = diagnostics.channel('thalweg:processor:batch');

export interface ProcessorBatchReport {
  group: string;
  topic: string;
  partition: number;
  decided: number;
  deadLettered: number;
  /** How long each Kafka transaction the batch was decided in took (see maxRecordsPerTransaction). */
  transactionsMs: number[];
  /** Outcomes of the decisions that say theirs: `accepted`, or `rejected:<reason>`, and how many. */
  outcomes: Record<string, number>;
  durationMs: number;
  lag: number;
  failed?: { code: string; retriable: boolean; attempt: number };
}

export interface ProcessorOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  handler: ProcessorHandler;
  /** The schemas of the events the handler decides. */
  schemas: SchemaSource;
  /** The topic of each output event type (the topic specs). */
  outputs: TopicSource;
  /** `ce_source` of every output, e.g. `/thalweg/ledger-processor`. */
  source: string;
  /** Consumer group of the inputs. */
  group: string;
  /**
   * Transactional ids are `<prefix>.<topic>.<partition>`, the same for every instance and
   * deployment of the processor: whoever takes a partition fences whoever had it. Defaults to
   * the group; the topic specs grant transactional ids prefixed by the declared group.
   */
  transactionalIdPrefix?: string;
  topics: string[];
  changelogTopic: (topic: string) => string;
  deadLetterTopic: (topic: string) => string;
  readers?: ReaderSchemas;
  logger?: Logger;
  /** Partitions decided in parallel by one instance; order within a partition always holds. */
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number; // ms
  heartbeatInterval?: number; // ms
  retry?: { initial?: number; max?: number }; // ms
  /** Max bytes fetched per partition. */
  maxBytesPerPartition?: number; // bytes
  /**
   * Records decided per transaction at most: a larger fetch is decided in several transactions, so
   * what one writes (events, outcomes, changelog) stays well within Kafka's request size.
   */
  maxRecordsPerTransaction?: number;
}

export interface ProcessorStatus {
  running: boolean;
  /** Assigned by the group at least once since start. */
  joined: boolean;
  joins: number;
  partitions: Array<{ partition: string; phase: TaskPhase; error?: string; restored?: { read: number; total: number; durationMs?: number } }>;
  retrying: Array<{ partition: string; attempts: number; code: string }>;
}

const keyOf = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * The processor runtime: consume, decide, produce, exactly once. Each assigned input partition is
 * a task (partition-task.ts) with its own state, restored from the changelog before its first
 * record is decided, and its own transactional producer. A fetched batch is decided in one
 * transaction (several when it holds more than maxRecordsPerTransaction records); a transient
 * failure (Kafka or the registry unavailable) aborts it, pauses the partition and decides the
 * same records again after a backoff, against the state as it was before the batch, so nothing is
 * produced twice. Records that can never be decided (bad bytes, unknown schema, a handler
 * rejecting them) are dead-lettered inside the transaction. Consumers read committed records only.
 */
export function createProcessor({
  kafka,
  registry,
  handler,
  schemas,
  outputs,
  source,
  group,
  transactionalIdPrefix = group,
  topics,
  changelogTopic,
  deadLetterTopic,
  readers,
  logger = silentLogger,
  partitionsConsumedConcurrently = 6,
  sessionTimeout = 30_000, // ms
  heartbeatInterval = 3_000, // ms
  retry = {},
  maxBytesPerPartition = 1_048_576, // bytes
  maxRecordsPerTransaction = 500,
}: ProcessorOptions) {
  if (topics.length === 0) throw new Error('createProcessor: at least one topic is required');
  if (heartbeatInterval >= sessionTimeout) throw new Error('createProcessor: heartbeatInterval must be lower than sessionTimeout');
  if (partitionsConsumedConcurrently < 1) throw new Error('createProcessor: partitionsConsumedConcurrently must be at least 1');
  if (maxRecordsPerTransaction < 1) throw new Error('createProcessor: maxRecordsPerTransaction must be at least 1');

  const log = logger.child({ component: 'processor', group });
  const consumer: Consumer = kafka.consumer({ groupId: group, sessionTimeout, heartbeatInterval, maxBytesPerPartition, allowAutoTopicCreation: false });
  const admin: Admin = kafka.admin();
  const encoder = createEventEncoder({ registry, schemas, topics: outputs, source, partitionsOf: cachedPartitions(admin, 30_000) });
  const topicOffsets = serialTopicOffsets(admin);
  const restorer = createStateRestorer({ kafka, group, topics: topics.map(changelogTopic), logger: log });
  const tasks = new Map<string, PartitionTask>();
  const failures = new Map<string, { attempts: number; code: string }>();
  const pauses = createRetryPauses(retry);
  let joins = 0;
  let running = false;

  function taskFor(topic: string, partition: number): PartitionTask {
    const key = keyOf(topic, partition);
    let task = tasks.get(key);
    if (!task) {
      task = createPartitionTask({
        kafka,
        topicOffsets,
        retryDelay: (attempt) => backoffDelay(attempt, retry),
        encoder,
        restorer,
        handler,
        logger: log,
        group,
        topic,
        partition,
        transactionalId: `${transactionalIdPrefix}.${topic}.${partition}`,
        changelogTopic: changelogTopic(topic),
        deadLetterTopic: deadLetterTopic(topic),
      });
      tasks.set(key, task);
    }
    return task;
  }

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joins += 1;
    const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => keyOf(topic, partition))));
    for (const [key, task] of tasks) {
      if (assigned.has(key)) continue;
      // Gone to another instance: its state goes with it, restored there from the changelog, and
      // its lag and last restore are reported there.
      tasks.delete(key);
      failures.delete(key);
      forgetProcessorPartition(group, key);
      void task.close();
    }
    for (const key of assigned) {
      const task = tasks.get(key);
      if (!task) continue;
      if (task.phase === 'fenced' || task.phase === 'failed') {
        // Assigned again after it stopped: the group says the partition is ours now, start over.
        tasks.delete(key);
        void task.close();
      } else {
        task.resync();
      }
    }
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
      for (const partition of partitions) taskFor(topic, partition);
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error('consumer crashed', { error: payload.error, restart: payload.restart });
    if (!payload.restart) running = false;
  });

  function report(entry: ProcessorBatchReport) {
    recordProcessorBatch(entry);
    if (processorBatchChannel.hasSubscribers) processorBatchChannel.publish(entry);
  }

  async function eachBatch(payload: EachBatchPayload) {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    if (!isRunning() || isStale() || batch.isEmpty()) return;
    const key = keyOf(topic, partition);
    const task = taskFor(topic, partition);
    const attempt = (failures.get(key)?.attempts ?? 0) + 1;
    const started = performance.now();
    // Heartbeats keep the membership while the state is restored or a long batch decided.
    const keepAlive = setInterval(() => heartbeat().catch(() => {}), heartbeatInterval);
    try {
      await task.ready;
      if (task.phase !== 'active') {
        // Fenced or failed: nothing is decided here until the group assigns the partition again.
        payload.pause();
        return;
      }
      const records = await decodeBatch(registry, readers, batch);
      // Where the consumer fetched from, markers and aborted records included: a batch that begins
      // past the state's next offset is a gap, seen and closed, never decided over.
      let fetched = fetchedOffset(batch);
      let decided = 0;
      let deadLettered = 0;
      const transactionsMs: number[] = [];
      const outcomes: Record<string, number> = {};
      for (let at = 0; at < records.length; at += maxRecordsPerTransaction) {
        const chunk = records.slice(at, at + maxRecordsPerTransaction);
        const last = at + maxRecordsPerTransaction >= records.length;
        // The last transaction of a fetch also covers the markers after its last record.
        const nextOffset = String(BigInt(last ? batch.lastOffset() : chunk.at(-1)!.offset) + 1n);
        const result = await task.decide(chunk, { fetchedOffset: fetched, nextOffset, attempts: attempt });
        if (result.kind === 'behind') {
          log.warn('input ahead of the state; seeking back', { topic, partition, from: fetched, to: result.seekTo });
          consumer.seek({ topic, partition, offset: result.seekTo });
          return;
        }
        if (result.kind === 'decided') {
          decided += result.decided;
          deadLettered += result.deadLettered;
          transactionsMs.push(result.transactionMs);
          for (const [key, count] of Object.entries(result.outcomes)) outcomes[key] = (outcomes[key] ?? 0) + count;
        }
        fetched = nextOffset;
        payload.resolveOffset(String(BigInt(nextOffset) - 1n));
        await heartbeat().catch(() => {});
      }
      if (failures.delete(key)) log.info('partition recovered', { topic, partition, attempts: attempt });
      report({ group, topic, partition, decided, deadLettered, transactionsMs, outcomes, durationMs: performance.now() - started, lag: Number(batch.offsetLag()) });
    } catch (error) {
      const failure = isThalwegError(error) ? error : new ThalwegError('THALWEG_INTERNAL', (error as Error).message, { cause: error, retriable: true });
      report({ group, topic, partition, decided: 0, deadLettered: 0, transactionsMs: [], outcomes: {}, durationMs: performance.now() - started, lag: Number(batch.offsetLag()), failed: { code: failure.code, retriable: failure.retriable, attempt } });
      if (task.phase !== 'active') {
        payload.pause();
        return;
      }
      failures.set(key, { attempts: attempt, code: failure.code });
      // The same records again, in order, against the state as it was before this batch.
      consumer.seek({ topic, partition, offset: batch.firstOffset()! });
      const delay = pauses.pause(payload, attempt);
      log.warn('batch failed; partition paused for retry', { topic, partition, attempt, delayMs: delay, error: failure });
    } finally {
      clearInterval(keepAlive);
    }
  }

  return {
    async start() {
      if (running) return;
      await Promise.all([consumer.connect(), admin.connect()]);
      await restorer.start();
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
      running = true;
      await consumer.run({ eachBatchAutoResolve: false, autoCommit: false, partitionsConsumedConcurrently, eachBatch }).catch((error: unknown) => {
        running = false;
        throw error;
      });
      log.info('processor started', { topics });
    },
    /** Finishes the batch in progress (its transaction commits or aborts), leaves the group, closes the producers. */
    async stop() {
      running = false;
      pauses.clear();
      await consumer.disconnect().catch((error: unknown) => log.warn('error while leaving the group', { error }));
      await Promise.all([...tasks.values()].map((task) => task.close()));
      tasks.clear();
      await restorer.stop();
      await admin.disconnect().catch(() => {});
      log.info('processor stopped');
    },
    status(): ProcessorStatus {
      return {
        running,
        joined: joins > 0,
        joins,
        partitions: [...tasks.values()].map((task) => {
          const restored = task.restoreProgress();
          return {
            partition: keyOf(task.topic, task.partition),
            phase: task.phase,
            ...(task.failure ? { error: `${task.failure.code}: ${task.failure.message}` } : {}),
            ...(restored ? { restored: { read: restored.read, total: restored.total, ...(restored.durationMs === undefined ? {} : { durationMs: Math.round(restored.durationMs) }) } } : {}),
          };
        }),
        retrying: [...failures].map(([partition, { attempts, code }]) => ({ partition, attempts, code })),
      };
    },
  };
}

export type Processor = ReturnType<typeof createProcessor>;
