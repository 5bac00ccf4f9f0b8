import type { Admin, Producer, RecordMetadata } from 'kafkajs';
import { ThalwegError } from '@thalweg/platform/errors';
import type { CliContext } from '../cli-context.ts';
import { currentActor } from '../dlq/actor.ts';
import { retryTopicOfDeadLetters, type DeadLetterEntry } from '../dlq/dead-letter-state.ts';
import { actionSelection, choosePending, deadLetterTopicOperand } from '../dlq/dlq-command.ts';
import { ensureActionsTopic, writeActions, type DlqAction } from '../dlq/dlq-actions.ts';
import { withKafka } from '../dlq/kafka-session.ts';
import { progress } from '../dlq/progress.ts';
import { replayRecord, type ReplayRecord } from '../dlq/replay-record.ts';
import { retryTopicReaders } from '../dlq/retry-readers.ts';
import { deadLetterTopicSource } from '../dlq/dlq-topics.ts';
import { skippedSummary } from '../dlq/skipped.ts';

/** Replays are sent this many at a time, each chunk's actions recorded before the next is sent. */
const chunkSize = 200;

/** The retry topics the replays go to exist, with a partition for each replay: else nothing is sent. */
async function checkRetryTopics(admin: Admin, records: ReplayRecord[]): Promise<void> {
  const needed = new Map<string, number>();
  for (const { topic, partition } of records) needed.set(topic, Math.max(needed.get(topic) ?? 0, partition + 1));
  const existing = new Set(await admin.listTopics());
  for (const [topic, partitions] of needed) {
    if (!existing.has(topic)) throw new ThalwegError('THALWEG_TOPIC_UNKNOWN', `the retry topic ${topic} does not exist; \`thalweg topics apply\` creates it (nothing was replayed)`);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    if ((metadata?.partitions.length ?? 0) < partitions) {
      throw new ThalwegError('THALWEG_TOPIC_UNKNOWN', `the retry topic ${topic} has ${metadata?.partitions.length ?? 0} partitions, fewer than its topic; \`thalweg topics apply\` adds them (nothing was replayed)`);
    }
  }
}

/** Sends one chunk and returns, per record, the offset Kafka wrote it at (records of one partition are appended in order). */
async function sendChunk(producer: Producer, records: ReplayRecord[]): Promise<string[]> {
  const byTopic = new Map<string, ReplayRecord[]>();
  for (const record of records) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
  const written = await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, entries]) => ({ topic, messages: entries.map(({ partition, message }) => ({ ...message, partition })) })),
  });
  const base = new Map(written.map((metadata: RecordMetadata) => [`${metadata.topicName}/${metadata.partition}`, BigInt(metadata.baseOffset ?? '0')]));
  const next = new Map<string, bigint>();
  return records.map(({ topic, partition }) => {
    const key = `${topic}/${partition}`;
    const offset = next.get(key) ?? base.get(key) ?? 0n;
    next.set(key, offset + 1n);
    return String(offset);
  });
}

/**
 * `thalweg dlq replay <dlq-topic> (filters | --all) [--reason <text>] [--json]`: sends the chosen
 * pending dead letters to their group's retry topic, which only that group's projector reads, and
 * records each replay. A dead letter already replayed (its replay is on the retry topic) or
 * discarded is skipped; one that failed again came back as a new dead letter, pending, and is
 * replayed with its count raised.
 */
export async function dlqReplay(context: CliContext): Promise<number> {
  const { io, options } = context;
  const topic = deadLetterTopicOperand(context, 'replay');
  const filter = actionSelection(context, 'replay');
  const by = currentActor(context);
  const result = await withKafka(context, async (kafka, admin) => {
    const { matching, chosen } = await choosePending({ io, kafka, admin, topic, filter, verb: 'replay' });
    const replayed: Array<{ entry: DeadLetterEntry; to: { topic: string; partition: number; offset: string } }> = [];
    if (chosen.length === 0) return { matching, replayed };

    const now = new Date();
    const records = chosen.map((entry) => replayRecord(entry, { by, reason: options.reason, now }));
    await checkRetryTopics(admin, records);
    const group = deadLetterTopicSource(topic)!.group;
    const retryTopic = retryTopicOfDeadLetters(topic);
    const readers = await retryTopicReaders(admin, group, retryTopic);
    if (readers === 'not-reading') {
      throw new ThalwegError(
        'THALWEG_DLQ_RETRY_UNREAD',
        `group ${group} is running and none of its consumers reads ${retryTopic}: it takes no replays (only projectors do), or it started before the retry topic existed and needs a restart (nothing was replayed)`,
      );
    }
    if (readers === 'no-members') io.err(`note: no consumer of group ${group} is running; the replays wait on ${retryTopic} until its projector starts`);
    await ensureActionsTopic(admin);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const sending = progress(io, `replaying ${chosen.length} dead letter${chosen.length === 1 ? '' : 's'}`);
    try {
      for (let start = 0; start < records.length; start += chunkSize) {
        const chunk = records.slice(start, start + chunkSize);
        const offsets = await sendChunk(producer, chunk);
        // The replays are on the retry topic now; should recording the actions fail, the next
        // replay still recognises them there and skips them.
        const actions: DlqAction[] = chunk.map((record, index) => {
          const entry = chosen[start + index]!;
          const to = { topic: record.topic, partition: record.partition, offset: offsets[index]! };
          replayed.push({ entry, to });
          return { action: 'replay', deadLetter: entry.at, group: entry.group, by, reason: options.reason ?? null, time: now.toISOString(), replayedTo: to };
        });
        await writeActions(producer, actions);
        sending.update(replayed.length, records.length);
      }
    } finally {
      await producer.disconnect().catch(() => {});
    }
    sending.end(`${replayed.length} sent`);
    return { matching, replayed };
  });

  const skipped = skippedSummary(result.matching);
  if (options.json) {
    io.out(JSON.stringify({ topic, replayed: result.replayed.map(({ entry, to }) => ({ deadLetter: entry.at, origin: entry.origin, replayCount: entry.replays + 1, to })), skipped: skipped.counts }, null, 2));
    return 0;
  }
  for (const { entry, to } of result.replayed) io.out(`replayed ${entry.at.partition}@${entry.at.offset} (${entry.code}, event ${entry.origin.topic} ${entry.origin.partition}@${entry.origin.offset}) -> ${to.topic} ${to.partition}@${to.offset}`);
  io.out(`Replayed ${result.replayed.length} dead letter${result.replayed.length === 1 ? '' : 's'} of ${topic}${skipped.text}.`);
  return 0;
}
