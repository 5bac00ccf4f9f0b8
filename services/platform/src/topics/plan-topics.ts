import type { Admin } from 'kafkajs';
import { readClusterState } from './cluster-state.ts';
import { computePlan } from './compute-plan.ts';
import { desiredTopics } from './desired-topics.ts';
import { desiredAcls } from './desired-acls.ts';
import type { TopicPlan } from './plan-types.ts';
import type { TopicSpec } from './topic-spec.ts';

export interface PlanTopicsOptions {
  admin: Admin;
  /** The declared topics: a `loadTopicSpecs` result or a list of specs. */
  specs: { all(): TopicSpec[] } | TopicSpec[];
  /** Topics whose destructive changes are asked for; undeclared ones named here are deleted. */
  allowDestructive?: string[];
}

/** `topics plan`: reads the cluster and lists what reconciling it (topics and ACLs) with the specs takes. Changes nothing. */
export async function planTopics({ admin, specs, allowDestructive = [] }: PlanTopicsOptions): Promise<TopicPlan> {
  const list = Array.isArray(specs) ? specs : specs.all();
  const desired = desiredTopics(list);
  const names = [...new Set([...desired.map((topic) => topic.name), ...allowDestructive])];
  const state = await readClusterState({ admin, names });
  return computePlan({ desired, state, allowDestructive, acls: desiredAcls(list) });
}
