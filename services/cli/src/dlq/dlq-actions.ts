import type { Admin, Producer } from 'kafkajs';
import { ThalwegError } from '@thalweg/platform/errors';
import { deadLetterRetentionMs, type RecordCoordinates } from '@thalweg/platform/topics';
import { deadLetterKey } from './dead-letter-record.ts';

/**
 * Where operators' actions on dead letters are recorded: one record per dead letter, keyed by the
 * dead letter's coordinates, compacted so the latest action on each is kept, and deleted after the
 * dead letters' own retention, when what it speaks of is gone too.
 */
export const dlqActionsTopic = 'thalweg.dlq-actions';

export type DlqActionKind = 'replay' | 'discard';

/** Who acted: the Kafka principal the CLI ran as, and the operating-system user who ran it. */
export interface Actor {
  principal: string;
  user: string;
}

/** What an operator did to one dead letter, who did it and why. */
export interface DlqAction {
  action: DlqActionKind;
  deadLetter: RecordCoordinates;
  group: string;
  by: Actor;
  reason: string | null;
  time: string;
  /** For a replay: where the replayed record was written. */
  replayedTo?: RecordCoordinates;
}

/**
 * Creates the actions topic when it is missing. It belongs to no topic spec (no events, no
 * consumer group): the CLI that writes it creates it, replicated like every Thalweg topic.
 */
export async function ensureActionsTopic(admin: Admin): Promise<void> {
  if ((await admin.listTopics()).includes(dlqActionsTopic)) return;
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.min(3, brokers.length);
  const configEntries = [
    { name: 'cleanup.policy', value: 'compact,delete' },
    { name: 'retention.ms', value: String(deadLetterRetentionMs) },
    { name: 'min.insync.replicas', value: String(Math.max(1, Math.min(2, replicationFactor - 1))) },
  ];
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: dlqActionsTopic, numPartitions: 3, replicationFactor, configEntries }] });
  } catch (error) {
    // Another operator may have created it in between: that is as good.
    if (!(await admin.listTopics()).includes(dlqActionsTopic)) {
      throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `creating ${dlqActionsTopic}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Records actions, each keyed by its dead letter, acknowledged by every in-sync replica. */
export async function writeActions(producer: Producer, actions: DlqAction[]): Promise<void> {
  if (actions.length === 0) return;
  await producer.send({
    topic: dlqActionsTopic,
    acks: -1,
    messages: actions.map((action) => ({ key: deadLetterKey(action.deadLetter), value: JSON.stringify(action), headers: { 'content-type': 'application/json' } })),
  });
}
