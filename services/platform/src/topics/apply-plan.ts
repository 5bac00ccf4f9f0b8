import { setTimeout as delay } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import { ThalwegError } from '../errors/index.ts';
import { applyAclChanges } from './cluster-acls.ts';
import { isNamed } from './compute-plan.ts';
import { kafkaAdminError } from './kafka-admin-error.ts';
import type { AclChange, PlanAction, TopicPlan } from './plan-types.ts';

const { ConfigResourceTypes } = kafkajs;

export interface ApplyPlanOptions {
  admin: Admin;
  plan: TopicPlan;
  /** Topic names whose destructive actions may run (`--allow-destructive <topic>`). */
  allowDestructive?: string[];
  /** How long a deletion or replica move may take to finish. */
  timeout?: number; // ms
}

export interface ApplyResult {
  applied: PlanAction[];
  /** Destructive actions whose topic was not named: left undone. */
  refused: PlanAction[];
  /** ACLs granted and revoked. */
  acls: AclChange[];
}

const entries = (configs: Record<string, string>) => Object.entries(configs).map(([name, value]) => ({ name, value }));

/** Polls until `done` holds; the cluster finishes deletions and replica moves in the background. */
async function until(done: () => Promise<boolean>, what: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await done())) {
    if (Date.now() > deadline) throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `${what} did not finish within ${timeout} ms`);
    await delay(250); // ms
  }
}

async function createTopic(admin: Admin, topic: string, partitions: number, replicationFactor: number, configs: Record<string, string>, timeout: number) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries: entries(configs) }] });
      break;
    } catch (error) {
      // A topic being deleted still holds its name for a moment after a replace.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS' || Date.now() > deadline) throw error;
      await delay(250); // ms
    }
  }
  // Leaders elected and known to the broker asked. KafkaJS's own wait (waitForLeaders) fails with
  // UNKNOWN_TOPIC_OR_PARTITION on the first metadata answer that does not know the new topic yet,
  // which happens when several topics are created in a row; the topic exists, so wait for it.
  await until(
    async () => {
      try {
        const [described] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        return described?.partitions.length === partitions && described.partitions.every((partition) => partition.leader >= 0);
      } catch {
        return false;
      }
    },
    `the leaders of ${topic}`,
    Math.max(0, deadline - Date.now()),
  );
}

async function run(admin: Admin, action: PlanAction, brokersTimeout: number): Promise<void> {
  switch (action.kind) {
    case 'create-topic':
      await createTopic(admin, action.topic, action.partitions, action.replicationFactor, action.configs, brokersTimeout);
      return;
    case 'add-partitions':
      await admin.createPartitions({ topicPartitions: [{ topic: action.topic, count: action.to }] });
      return;
    case 'update-configs':
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: action.topic, configEntries: entries(action.configs) }] });
      return;
    case 'change-replication-factor':
      await admin.alterPartitionReassignments({
        topics: [{ topic: action.topic, partitionAssignment: action.assignments.map((replicas, partition) => ({ partition, replicas })) }],
      });
      await until(
        async () => {
          const { topics } = await admin.listPartitionReassignments({ topics: [{ topic: action.topic, partitions: action.assignments.map((_, partition) => partition) }] });
          return topics.every((topic) => topic.partitions.length === 0);
        },
        `moving the replicas of ${action.topic}`,
        brokersTimeout,
      );
      return;
    case 'replace-topic':
      await admin.deleteTopics({ topics: [action.topic] });
      await until(async () => !(await admin.listTopics()).includes(action.topic), `deleting ${action.topic}`, brokersTimeout);
      await createTopic(admin, action.topic, action.partitions, action.replicationFactor, action.configs, brokersTimeout);
      return;
    case 'delete-topic':
      await admin.deleteTopics({ topics: [action.topic] });
      await until(async () => !(await admin.listTopics()).includes(action.topic), `deleting ${action.topic}`, brokersTimeout);
      return;
  }
}

/**
 * `topics apply`: runs the plan's safe actions, then the destructive ones whose topic is named in
 * `allowDestructive`, then the ACL changes; the refused actions are returned as refused. A failure
 * stops the run with the Thalweg error of the failed action, its details listing what was applied
 * before it.
 */
export async function applyPlan({ admin, plan, allowDestructive = [], timeout = 60_000 }: ApplyPlanOptions): Promise<ApplyResult> {
  const applied: PlanAction[] = [];
  const refused = plan.actions.filter((action) => action.destructive && !isNamed(action, allowDestructive));
  const ordered = [...plan.actions.filter((action) => !action.destructive), ...plan.actions.filter((action) => action.destructive && isNamed(action, allowDestructive))];
  for (const action of ordered) {
    try {
      await run(admin, action, timeout);
    } catch (error) {
      const failure = kafkaAdminError(error, `${action.kind} ${action.topic}`);
      failure.details.applied = applied.map((done) => `${done.kind} ${done.topic}`);
      throw failure;
    }
    applied.push(action);
  }
  try {
    await applyAclChanges(admin, plan.acls);
  } catch (error) {
    const failure = kafkaAdminError(error, 'changing ACLs');
    failure.details.applied = applied.map((done) => `${done.kind} ${done.topic}`);
    throw failure;
  }
  return { applied, refused, acls: plan.acls };
}
