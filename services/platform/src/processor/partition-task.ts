import diagnostics from 'node:diagnostics_channel';
import { setTimeout as delay } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { ThalwegError, isThalwegError } from '../errors/index.ts';
import { positionsOf, recordTraceHeaders, topicMessages, type DomainEvent, type EncodedEvent, type EventEncoder } from '../events/index.ts';
import { kafkaErrorType, type PartitionOffsets } from '../kafka/index.ts';
import { deadLetterMessage, rejection, type ProjectionRecord, type RejectedRecord } from '../projection/index.ts';
import { inProcessSpan, traceHeadersOf, type Logger } from '../telemetry/index.ts';
import { changelogMessage, INPUT_OFFSET_KEY, readChangelogRecord } from './changelog-records.ts';
import { createPartitionState, type StateTransaction } from './partition-state.ts';
import { recordProcessorRestore } from './processor-metrics.ts';
import type { Decision, ProcessorHandler } from './processor-types.ts';
import type { StateRestorer } from './state-restorer.ts';

const { Partitioners } = kafkajs;


/** Published once per restore of a partition's state, beside the metrics. */
export const processorRestoreChannel = diagnostics.channel('thalweg:processor:restore');

export interface ProcessorRestoreReport {
  group: string;
  topic: string;
  partition: number;
  /** Changelog records read. */
  records: number;
  /** Keys held once restored. */
  keys: number;
  durationMs: number;
  /** Whole (on assignment) or the tail after a commit whose outcome was unknown. */
  kind: 'full' | 'tail';
}

/** Counts the decisions' outcomes, keyed as the metrics label them. */
function outcomesOf(decisions: Decision[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of decisions) {
    if (!outcome) continue;
    const key = outcome.accepted ? 'accepted' : `rejected:${outcome.reason}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Where a partition is: fencing older owners, reading its changelog, deciding, or stopped. */
export type TaskPhase = 'starting' | 'restoring' | 'active' | 'fenced' | 'failed' | 'closed';

export type TaskBatchResult =
  | {
      kind: 'decided';
      decided: number;
      deadLettered: number;
      /** From the transaction's start to its commit. */
      transactionMs: number;
      /** Outcomes of the decisions that say theirs: `accepted`, or `rejected:<reason>`, and how many. */
      outcomes: Record<string, number>;
    }
  /** Every record had been decided before (a redelivery). */
  | { kind: 'already-decided' }
  /** The consumer is past the state's next input offset: seek back there. */
  | { kind: 'behind'; seekTo: string };

export interface PartitionTaskOptions {
  kafka: Kafka;
  /** A topic's offsets (see serialTopicOffsets). */
  topicOffsets: (topic: string) => Promise<PartitionOffsets[]>;
  /** Waits between attempts to start when Kafka is unavailable. */
  retryDelay: (attempt: number) => number; // ms
  encoder: EventEncoder;
  restorer: StateRestorer;
  handler: ProcessorHandler;
  logger: Logger;
  group: string;
  topic: string;
  partition: number;
  transactionalId: string;
  changelogTopic: string;
  deadLetterTopic: string;
}

const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);
const REFUSED_WRITES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_REQUIRED_ACKS']);

/** A Kafka failure as the task acts on it: fenced (stop), a refusal (fail) or unavailable (retry). */
function kafkaFailure(error: unknown, what: string): ThalwegError {
  if (isThalwegError(error)) return error;
  const type = kafkaErrorType(error);
  if (type && FENCED.has(type)) return new ThalwegError('THALWEG_PROCESSOR_FENCED', `${what}: fenced by a newer instance (${type})`, { cause: error });
  if (type?.endsWith('_AUTHORIZATION_FAILED')) return new ThalwegError('THALWEG_INTERNAL', `${what}: refused by Kafka (${type}); check the topic specs' ACLs`, { cause: error });
  // The same writes would be refused again: stop and say so rather than retry for ever.
  if (type && REFUSED_WRITES.has(type)) return new ThalwegError('THALWEG_INTERNAL', `${what}: refused by Kafka (${type})`, { cause: error });
  return new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `${what}: ${(error as Error).message}`, { cause: error });
}

function offsetOf(offsets: PartitionOffsets[], topic: string, partition: number): PartitionOffsets {
  const found = offsets.find((entry) => entry.partition === partition);
  if (!found) throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `no offsets for ${topic}/${partition}`);
  return found;
}

/**
 * One input partition of a processor: its state, its transactional producer and its changelog
 * partition (the same number). On start it fences every older owner of the partition (a producer
 * with the partition's transactional id begins a transaction, which bumps the epoch and aborts
 * whatever the older one left open), then reads the changelog up to its end into memory. Each
 * batch is then decided in one Kafka transaction: the output events, the state changes, the next
 * input offset (in the state and as the group's offset) and the dead letters commit or abort
 * together.
 */
export function createPartitionTask({ kafka, topicOffsets, retryDelay, encoder, restorer, handler, logger, group, topic, partition, transactionalId, changelogTopic, deadLetterTopic }: PartitionTaskOptions) {
  const log = logger.child({ topic, partition });
  const state = createPartitionState();
  let producer: Producer | undefined;
  let phase: TaskPhase = 'starting';
  let closed = false;
  let failure: ThalwegError | undefined;
  /** The changelog offset from which the state may be behind: read from here after a doubtful commit. */
  let changelogEnd = '0';
  /** The input's first offset when the task started: the state must begin there if it is empty. */
  let inputStart = 0n;
  let unsettled = false;
  let restore: { read: number; total: number; durationMs?: number } | undefined;

  async function replaceProducer() {
    const previous = producer;
    producer = undefined;
    await previous?.disconnect().catch(() => {});
    // A transaction's first AddPartitionsToTxn often meets the coordinator still writing the
    // previous one's markers and is refused (CONCURRENT_TRANSACTIONS) until it is done, a few ms
    // later: retried after KafkaJS's usual 200 ms, that pause was most of a command's tail latency.
    // The Java client retries it after 20 ms; the same total patience is kept (about 5 s).
    const next = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 8, initialRetryTime: 20 } });
    await next.connect();
    // KafkaJS takes the producer id when the first transaction begins: that is the fencing step.
    // An empty transaction sends nothing more.
    await (await next.transaction()).abort();
    producer = next;
  }

  /** Reads the changelog from `from` to its current end into the state. */
  async function catchUp(from: string | undefined, kind: ProcessorRestoreReport['kind']) {
    const { low, high } = offsetOf(await topicOffsets(changelogTopic), changelogTopic, partition);
    if (kind === 'full') inputStart = BigInt(offsetOf(await topicOffsets(topic), topic, partition).low);
    const start = from ?? low;
    const startedAt = performance.now();
    restore = { read: 0, total: Number(BigInt(high) - BigInt(start)) };
    let lastReport = startedAt;
    const read = await restorer.restore({
      topic: changelogTopic,
      partition,
      from: start,
      until: high,
      apply: (message) => {
        const [key, value] = readChangelogRecord(changelogTopic, partition, message);
        state.restore(key, value);
      },
      onProgress: (records, position) => {
        restore!.read = records;
        if (performance.now() - lastReport < 2_000) return;
        lastReport = performance.now();
        log.info('restoring state', { changelog: changelogTopic, records, position, end: high });
      },
    });
    changelogEnd = high;
    const durationMs = performance.now() - startedAt;
    restore = { read, total: restore.total, durationMs };
    log.info('state restored', { changelog: changelogTopic, kind, records: read, keys: state.size, durationMs: Math.round(durationMs) });
    const report: ProcessorRestoreReport = { group, topic, partition, records: read, keys: state.size, durationMs, kind };
    recordProcessorRestore(report);
    if (processorRestoreChannel.hasSubscribers) processorRestoreChannel.publish(report);
  }

  /** Fences, then restores; Kafka unavailable meanwhile is waited out, anything else stops the task. */
  async function start() {
    for (let attempt = 1; !closed; attempt += 1) {
      try {
        await replaceProducer();
        if (closed) return;
        phase = 'restoring';
        await catchUp(undefined, 'full');
        if (closed) return;
        phase = 'active';
        return;
      } catch (error) {
        if (closed) return;
        const failure = kafkaFailure(error, `starting ${topic}/${partition}`);
        if (!failure.retriable) return fail(failure);
        state.clear();
        phase = 'starting';
        log.warn('partition not started yet; trying again', { attempt, error: failure });
        await delay(retryDelay(attempt));
      }
    }
  }

  function fail(error: ThalwegError) {
    failure = error;
    phase = error.code === 'THALWEG_PROCESSOR_FENCED' ? 'fenced' : 'failed';
    log.error(phase === 'fenced' ? 'partition fenced: another instance decides it now' : 'partition stopped', { error });
  }

  let ready = start();
  // Deciding and resynchronising never overlap: each waits for the other to finish.
  let turn: Promise<unknown> = ready;
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = turn.then(work, work);
    turn = run.catch(() => {});
    return run;
  }

  /** The next input offset the state has decided up to; undefined when it has decided nothing. */
  function decidedUpTo(): bigint | undefined {
    const stored = state.get<{ offset: string }>(INPUT_OFFSET_KEY);
    return stored ? BigInt(stored.offset) : undefined;
  }

  /** Decides the records in order against the open state transaction; a throwing handler rejects its record alone. */
  async function decideAll(records: ProjectionRecord[], changes: StateTransaction) {
    const decided: Array<{ decision: Decision; encoded: EncodedEvent[] }> = [];
    const rejected: RejectedRecord[] = [];
    for (const record of records) {
      if (record.failure) {
        rejected.push({ offset: record.offset, message: record.message, error: record.failure });
        continue;
      }
      const savepoint = changes.savepoint();
      try {
        // Each record is decided in a process span of its command's trace; what it decides is
        // created there, so the events it writes carry that span's context on.
        const traced = { topic, partition, group, records: [{ offset: record.offset, headers: recordTraceHeaders(record.message.headers) }] };
        decided.push(
          await inProcessSpan(traced, async (active) => {
            const decision = handler(record.event, changes.view);
            const headers = traceHeadersOf(active);
            if (headers.traceparent) decision.events = decision.events.map((event) => ({ ...event, ...headers }));
            return { decision, encoded: await encoder.encode(decision.events) };
          }),
        );
      } catch (error) {
        if (isThalwegError(error) && error.retriable) throw error;
        changes.rollbackTo(savepoint);
        rejected.push({ offset: record.offset, message: record.message, error: rejection(error) });
      }
    }
    return { decided, rejected };
  }

  /** The events that follow each decision's written events, in decision order. */
  async function followUps(decided: Array<{ decision: Decision; encoded: EncodedEvent[] }>, positions: ReturnType<typeof positionsOf>, changes: StateTransaction) {
    const events: DomainEvent[] = [];
    let at = 0;
    for (const { decision, encoded } of decided) {
      const own = positions.slice(at, at + encoded.length);
      at += encoded.length;
      if (decision.then) events.push(...decision.then(own, changes.view));
    }
    return encoder.encode(events);
  }

  async function send(transaction: Transaction, messages: Array<{ topic: string; message: Message }>) {
    if (messages.length === 0) return [];
    return transaction.sendBatch({ acks: -1, topicMessages: topicMessages(messages) });
  }

  /**
   * After a commit whose outcome is unknown, or a rebalance: a new producer fences any other owner
   * and settles what is open, and the changelog's tail brings the state up to what was committed.
   */
  async function settle() {
    await replaceProducer();
    await catchUp(changelogEnd, 'tail');
    unsettled = false;
  }

  async function decideBatch(records: ProjectionRecord[], { fetchedOffset, nextOffset, attempts }: { fetchedOffset: string; nextOffset: string; attempts: number }): Promise<TaskBatchResult> {
    if (unsettled) await settle().catch((error: unknown) => Promise.reject(kafkaFailure(error, `settling ${topic}/${partition}`)));
    const upTo = decidedUpTo();
    if (upTo === undefined && BigInt(fetchedOffset) > inputStart) {
      throw new ThalwegError('THALWEG_STATE_LOST', `${topic}/${partition}: the input resumes at ${fetchedOffset} but the changelog ${changelogTopic} holds no state (the input begins at ${inputStart})`);
    }
    if (upTo !== undefined && BigInt(fetchedOffset) > upTo) {
      const { low } = offsetOf(await topicOffsets(topic), topic, partition);
      if (upTo < BigInt(low)) throw new ThalwegError('THALWEG_STATE_LOST', `${topic}/${partition}: the state has decided up to ${upTo}, but the input now begins at ${low}: the records between are gone`);
      return { kind: 'behind', seekTo: String(upTo) };
    }
    if (upTo !== undefined && BigInt(nextOffset) <= upTo) return { kind: 'already-decided' };
    const fresh = records.filter((record) => upTo === undefined || BigInt(record.offset) >= upTo);

    const changes = state.begin();
    let transaction: Transaction | undefined;
    const started = performance.now();
    try {
      transaction = await producer!.transaction();
      const { decided, rejected } = await decideAll(fresh, changes);
      const written = decided.flatMap(({ encoded }) => encoded);
      const positions = positionsOf(written, await send(transaction, written));
      const following = await followUps(decided, positions, changes);
      changes.view.set(INPUT_OFFSET_KEY, { offset: nextOffset });
      const changelog = changes.changes().map((change) => ({ topic: changelogTopic, message: changelogMessage(partition, change) }));
      const deadLetters = rejected.map((record) => ({ topic: deadLetterTopic, message: deadLetterMessage({ group, topic, partition, attempts }, record) }));
      for (const { offset, error } of rejected) log.warn('input dead-lettered', { offset, error });
      const sent = await send(transaction, [...following, ...changelog, ...deadLetters]);
      const changelogWrite = sent.find((entry) => entry.topicName === changelogTopic);
      await transaction.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
      try {
        await transaction.commit();
      } catch (error) {
        unsettled = true;
        throw error;
      }
      changes.commit();
      if (changelogWrite) changelogEnd = String(BigInt(changelogWrite.baseOffset!) + BigInt(changelog.length));
      return { kind: 'decided', decided: decided.length, deadLettered: rejected.length, transactionMs: performance.now() - started, outcomes: outcomesOf(decided.map(({ decision }) => decision)) };
    } catch (error) {
      changes.abort();
      if (!unsettled && transaction) {
        // A failed abort leaves KafkaJS's producer in a state it cannot leave: the next batch starts
        // with a new one, whose fencing aborts this transaction on the coordinator.
        await transaction.abort().catch(() => {
          unsettled = true;
        });
      }
      const failed = kafkaFailure(error, `deciding ${topic}/${partition}`);
      if (failed.code === 'THALWEG_PROCESSOR_FENCED' || !failed.retriable) fail(failed);
      throw failed;
    }
  }

  return {
    topic,
    partition,
    /** Settles when the task is active, fenced or failed: check `phase`. */
    get ready(): Promise<void> {
      return ready;
    },
    get phase(): TaskPhase {
      return phase;
    },
    get failure(): ThalwegError | undefined {
      return failure;
    },
    restoreProgress: () => (restore ? { ...restore } : undefined),
    /** Decides a batch of decoded input records; throws a retriable ThalwegError to be retried. */
    decide: (records: ProjectionRecord[], batch: { fetchedOffset: string; nextOffset: string; attempts: number }) => exclusive(() => decideBatch(records, batch)),
    /**
     * After the group rebalanced and gave the partition back: another instance may have decided
     * it in between, so the task takes the producer id again (fencing any older owner) and reads
     * the changelog's tail before it decides more.
     */
    resync(): void {
      if (phase !== 'active') return;
      phase = 'restoring';
      ready = exclusive(async () => {
        try {
          await settle();
        } catch (error) {
          if (closed) return;
          const failure = kafkaFailure(error, `resynchronising ${topic}/${partition}`);
          if (!failure.retriable) return fail(failure);
          // The next batch settles first: a new producer, then the changelog's tail.
          unsettled = true;
        }
        if (!closed) phase = 'active';
      });
    },
    async close() {
      closed = true;
      phase = 'closed';
      restorer.cancel(changelogTopic, partition);
      await ready;
      await producer?.disconnect().catch(() => {});
      producer = undefined;
      state.clear();
    },
  };
}

export type PartitionTask = ReturnType<typeof createPartitionTask>;
