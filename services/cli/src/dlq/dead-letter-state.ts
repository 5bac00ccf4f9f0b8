import type { Admin, Kafka } from 'kafkajs';
import { ThalwegError } from '@thalweg/platform/errors';
import { headerText } from '@thalweg/platform/events';
import { replayHeaders, retryTopicName, type RecordCoordinates } from '@thalweg/platform/topics';
import { deadLetterKey, readDeadLetter, type DeadLetter } from './dead-letter-record.ts';
import { dlqActionsTopic, type DlqAction } from './dlq-actions.ts';
import { deadLetterTopicSource } from './dlq-topics.ts';
import { scanTopics } from './topic-scan.ts';

export type DeadLetterStatus = 'pending' | 'replayed' | 'discarded';

/** A dead letter with what has been done about it. */
export interface DeadLetterEntry extends DeadLetter {
  status: DeadLetterStatus;
  /** The latest action recorded on it, if any. */
  action?: DlqAction;
  /** Where it was replayed to, when the retry topic holds its replay. */
  replayedTo?: RecordCoordinates;
}

export interface DeadLetterState {
  /** Every dead letter read, per dead letter topic, in partition and offset order. */
  byTopic: Map<string, DeadLetterEntry[]>;
}

/** The retry topic a dead letter topic's replays go to: `<topic>.<group>.retry`. */
export function retryTopicOfDeadLetters(deadLetterTopic: string): string {
  const source = deadLetterTopicSource(deadLetterTopic);
  if (!source) throw new Error(`${deadLetterTopic} is not a dead letter topic name`);
  return retryTopicName(source.topic, source.group);
}

/**
 * Reads dead letter topics with what tells their state, in one pass: the dead letters, their
 * group's retry topics (a record there naming a dead letter means it was replayed, whatever the
 * actions topic says: the replay is what the projector will see), and the recorded actions (a
 * discard). A dead letter neither replayed nor discarded is pending.
 */
export async function loadDeadLetters({
  kafka,
  admin,
  topics,
  onProgress,
}: {
  kafka: Kafka;
  admin: Admin;
  topics: string[];
  onProgress?: (read: number, total: number) => void;
}): Promise<DeadLetterState> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    throw new ThalwegError('THALWEG_TOPIC_UNKNOWN', `no dead letter topic ${missing.join(', ')} on the cluster (\`thalweg dlq list\` shows those there are)`);
  }
  const retryTopics = new Map(topics.map((topic) => [retryTopicOfDeadLetters(topic), topic]));
  const wanted = new Set(topics);
  const deadLetters = new Map<string, DeadLetter[]>(topics.map((topic) => [topic, []]));
  const replays = new Map<string, RecordCoordinates>();
  const actions = new Map<string, DlqAction>();

  await scanTopics({
    kafka,
    admin,
    topics: [...topics, ...[...retryTopics.keys()].filter((topic) => existing.has(topic)), ...(existing.has(dlqActionsTopic) ? [dlqActionsTopic] : [])],
    onProgress,
    onRecord: ({ topic, partition, message }) => {
      if (wanted.has(topic)) {
        deadLetters.get(topic)!.push(readDeadLetter(topic, partition, message, deadLetterTopicSource(topic)!.group));
      } else if (retryTopics.has(topic)) {
        const deadLetterTopic = headerText(message.headers, replayHeaders.deadLetterTopic);
        const deadLetterPartition = headerText(message.headers, replayHeaders.deadLetterPartition);
        const deadLetterOffset = headerText(message.headers, replayHeaders.deadLetterOffset);
        if (deadLetterTopic && deadLetterPartition && deadLetterOffset) {
          replays.set(deadLetterKey({ topic: deadLetterTopic, partition: Number(deadLetterPartition), offset: deadLetterOffset }), { topic, partition, offset: message.offset });
        }
      } else if (topic === dlqActionsTopic) {
        const key = message.key?.toString('utf8');
        if (!key || !message.value || !wanted.has(key.slice(0, key.indexOf('/')))) return;
        try {
          actions.set(key, JSON.parse(message.value.toString('utf8')) as DlqAction);
        } catch {
          // Not an action the CLI wrote: it says nothing about a dead letter.
        }
      }
    },
  });

  const byTopic = new Map<string, DeadLetterEntry[]>();
  for (const [topic, letters] of deadLetters) {
    const order = (a: DeadLetter, b: DeadLetter) => a.at.partition - b.at.partition || (BigInt(a.at.offset) < BigInt(b.at.offset) ? -1 : 1);
    byTopic.set(
      topic,
      letters.sort(order).map((letter) => {
        const key = deadLetterKey(letter.at);
        const action = actions.get(key);
        const replayedTo = replays.get(key) ?? action?.replayedTo;
        const status: DeadLetterStatus = replayedTo || action?.action === 'replay' ? 'replayed' : action?.action === 'discard' ? 'discarded' : 'pending';
        return { ...letter, status, ...(action ? { action } : {}), ...(replayedTo ? { replayedTo } : {}) };
      }),
    );
  }
  return { byTopic };
}
