import { computeAclChanges } from './acl-changes.ts';
import { diffConfigs } from './config-diff.ts';
import { derivedFrom, type DesiredTopic } from './derived-topic.ts';
import type { AclChange, ClusterState, ConfigChange, DesiredAcls, ExistingTopic, PlanAction, TopicPlan } from './plan-types.ts';
import { reassignReplicas } from './replica-assignment.ts';

export interface ComputePlanOptions {
  desired: DesiredTopic[];
  state: ClusterState;
  /** Topic names whose destructive changes (or deletion, when undeclared) are asked for. */
  allowDestructive?: string[];
  /** The ACLs the specs ask for (`desiredAcls`); none planned when absent. */
  acls?: DesiredAcls;
}

type ActionTarget = Pick<PlanAction, 'topic' | 'deadLetterOf' | 'changelogOf' | 'retryOf'>;

/** The topic to name for a destructive action: its own, or the one its dead letter, retry or changelog topic derives from. */
export function namedTopicOf(action: ActionTarget): string {
  return derivedFrom(action)?.topic ?? action.topic;
}

/** A destructive action on a topic runs when the topic, or the topic a dead letter, retry or changelog topic derives from, is named. */
export function isNamed(action: ActionTarget, allowDestructive: readonly string[]): boolean {
  return allowDestructive.includes(action.topic) || allowDestructive.includes(namedTopicOf(action));
}

/** The plan action fields that say which topic an action is about. */
function targetOf(topic: DesiredTopic): ActionTarget {
  return {
    topic: topic.name,
    ...(topic.deadLetterOf ? { deadLetterOf: topic.deadLetterOf } : {}),
    ...(topic.changelogOf ? { changelogOf: topic.changelogOf } : {}),
    ...(topic.retryOf ? { retryOf: topic.retryOf } : {}),
  };
}

/** The replication the cluster can hold: RF capped at the broker count, min ISR at max(1, RF-1) when capped. */
export function effectiveReplication(topic: DesiredTopic, brokerCount: number): { replicationFactor: number; configs: Record<string, string>; note?: string } {
  if (topic.replicationFactor <= brokerCount) return { replicationFactor: topic.replicationFactor, configs: { ...topic.configs } };
  const replicationFactor = Math.max(1, brokerCount);
  const configs = { ...topic.configs };
  const parts = [`replication factor ${topic.replicationFactor} capped to ${replicationFactor}`];
  const minIsr = configs['min.insync.replicas'];
  if (minIsr !== undefined) {
    const capped = Math.min(Number(minIsr), Math.max(1, replicationFactor - 1));
    if (capped !== Number(minIsr)) parts.push(`min.insync.replicas ${minIsr} capped to ${capped}`);
    configs['min.insync.replicas'] = String(capped);
  }
  const note = `${topic.name}: ${parts.join(', ')} (the cluster has ${brokerCount} broker${brokerCount === 1 ? '' : 's'}; the spec's values apply on a cluster of ${topic.replicationFactor} or more)`;
  return { replicationFactor, configs, note };
}

function planExisting(topic: DesiredTopic, existing: ExistingTopic, state: ClusterState, allow: readonly string[], notes: string[]): PlanAction[] {
  const { replicationFactor, configs } = effectiveReplication(topic, state.brokers.length);
  const base = targetOf(topic);
  const named = isNamed(base, allow);
  const actions: PlanAction[] = [];
  const changes = diffConfigs(configs, existing.configs);

  if (existing.partitions > topic.partitions) {
    const reasons = [`partitions ${existing.partitions} → ${topic.partitions}: Kafka cannot remove partitions, so the topic is deleted and re-created and its records are lost`];
    if (existing.replicationFactor !== replicationFactor) reasons.push(`replication factor ${existing.replicationFactor} → ${replicationFactor}`);
    actions.push({ ...base, kind: 'replace-topic', destructive: true, allowed: named, reasons, partitions: topic.partitions, replicationFactor, configs });
    if (named) return actions; // Re-creating applies every declared value at once.
  } else {
    if (existing.partitions < topic.partitions) {
      actions.push({ ...base, kind: 'add-partitions', destructive: false, allowed: true, from: existing.partitions, to: topic.partitions });
      if (!derivedFrom(topic)) notes.push(`${topic.name}: adding partitions moves keys to other partitions; per-key order holds only for records written after the change`);
    }
    if (existing.replicationFactor !== replicationFactor) {
      const assignments = reassignReplicas({ assignments: existing.assignments, brokers: state.brokers, replicationFactor });
      actions.push({ ...base, kind: 'change-replication-factor', destructive: true, allowed: named, from: existing.replicationFactor, to: replicationFactor, assignments });
    }
  }
  actions.push(...configActions(base, changes, configs, existing, named));
  return actions;
}

/**
 * Safe config changes go out on their own; destructive ones wait for the topic to be named. The
 * safe set keeps each refused key at its current value, since alterConfigs replaces every override.
 */
function configActions(base: ActionTarget, changes: ConfigChange[], declared: Record<string, string>, existing: ExistingTopic, named: boolean): PlanAction[] {
  if (changes.length === 0) return [];
  const destructive = changes.filter((change) => change.destructiveReason);
  if (destructive.length === 0 || named) {
    return [{ ...base, kind: 'update-configs', destructive: destructive.length > 0, allowed: true, changes, configs: declared }];
  }
  const safe = changes.filter((change) => !change.destructiveReason);
  const actions: PlanAction[] = [];
  if (safe.length > 0) {
    const pinned = { ...declared };
    for (const change of destructive) {
      const current = existing.configs[change.key];
      if (current?.override) pinned[change.key] = current.value;
      else delete pinned[change.key];
    }
    actions.push({ ...base, kind: 'update-configs', destructive: false, allowed: true, changes: safe, configs: pinned });
  }
  actions.push({ ...base, kind: 'update-configs', destructive: true, allowed: false, changes: destructive, configs: declared });
  return actions;
}

/** Derived topics left on the cluster when their group goes (or stops being stateful): reported, never deleted unasked. */
const orphanKinds = [
  { suffix: 'dlq', what: 'dead letter topic of a consumer group' },
  { suffix: 'retry', what: 'retry topic of a consumer group' },
  { suffix: 'changelog', what: 'changelog topic of a stateful consumer group' },
];

/** The tail of a capped-replication note: the derived topics of `topic` are capped the same way. */
function derivedLikewise(desired: DesiredTopic[], topic: string): string {
  const kinds: string[] = [];
  if (desired.some((candidate) => candidate.deadLetterOf?.topic === topic)) kinds.push('dead letter');
  if (desired.some((candidate) => candidate.retryOf?.topic === topic)) kinds.push('retry');
  if (desired.some((candidate) => candidate.changelogOf?.topic === topic)) kinds.push('changelog');
  if (kinds.length === 0) return '';
  const listed = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
  return `; its ${listed} topics likewise`;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The pure half of `topics plan`: from the declared topics and what the cluster holds, the
 * actions that reconcile them. Creates and partition increases are safe; partition decreases,
 * replication changes, cleanup.policy changes, retention decreases and deletions are destructive
 * and stay refused unless their topic is named in `allowDestructive`.
 */
export function computePlan({ desired, state, allowDestructive = [], acls }: ComputePlanOptions): TopicPlan {
  const actions: PlanAction[] = [];
  const notes: string[] = [];
  const brokerCount = state.brokers.length;
  for (const topic of desired) {
    const { replicationFactor, configs, note } = effectiveReplication(topic, brokerCount);
    if (note && !derivedFrom(topic)) notes.push(`${note}${derivedLikewise(desired, topic.name)}`);
    const existing = state.topics[topic.name];
    if (!existing) {
      actions.push({
        ...targetOf(topic),
        kind: 'create-topic',
        destructive: false,
        allowed: true,
        partitions: topic.partitions,
        replicationFactor,
        configs,
      });
    } else {
      actions.push(...planExisting(topic, existing, state, allowDestructive, notes));
    }
  }

  const declared = new Set(desired.map((topic) => topic.name));
  const onCluster = new Set(state.topicNames);
  for (const name of allowDestructive) {
    if (declared.has(name)) continue;
    if (name.startsWith('_')) notes.push(`${name}: internal topics are never deleted`);
    else if (onCluster.has(name)) actions.push({ topic: name, kind: 'delete-topic', destructive: true, allowed: true });
    else notes.push(`${name}: named to allow destructive changes, but neither declared nor on the cluster`);
  }
  for (const topic of desired.filter((candidate) => !derivedFrom(candidate))) {
    for (const { suffix, what } of orphanKinds) {
      const pattern = new RegExp(`^${escape(topic.name)}\\.[a-z][a-z0-9-]*\\.${suffix}$`);
      for (const name of state.topicNames) {
        if (pattern.test(name) && !declared.has(name) && !allowDestructive.includes(name)) {
          notes.push(`${name}: ${what} ${topic.name} no longer declares; delete it with --allow-destructive ${name}`);
        }
      }
    }
  }
  let aclChanges: AclChange[] = [];
  if (acls) {
    notes.push(...acls.notes);
    if (state.acls) aclChanges = computeAclChanges({ desired: acls, existing: state.acls });
    else if (acls.bindings.length > 0) notes.push('the brokers run no authorizer: the ACLs the specs ask for are not applied');
  }
  return { brokerCount, actions, acls: aclChanges, notes };
}
