import { changelogTopicName } from './changelog-topics.ts';
import { deadLetterTopicName } from './dead-letter-topics.ts';
import { retryTopicName } from './retry-topics.ts';
import type { AclBinding, AclResource, DesiredAcls } from './plan-types.ts';
import type { TopicSpec } from './topic-spec.ts';

const allow = (principal: string, resource: AclResource, operation: string): AclBinding => ({ ...resource, principal: `User:${principal}`, host: '*', operation, permission: 'ALLOW' });

export const aclResourceKey = (resource: AclResource) => `${resource.resourceType} ${resource.patternType} ${resource.resourceName}`;
export const aclBindingKey = (binding: AclBinding) => `${aclResourceKey(binding)} ${binding.principal} ${binding.host} ${binding.operation} ${binding.permission}`;

/**
 * The ACLs the topic specs ask for, each service being the principal of its own name:
 * - a producer P of topic T: WRITE and DESCRIBE on topic T;
 * - a consumer group G of T: READ and DESCRIBE on T, READ on the groups prefixed G (scaled
 *   instances share G; a rebuild or a second projection runs as G-…), and WRITE, DESCRIBE, READ on
 *   the topics prefixed `T.G`, which hold the dead letter, retry and changelog topics of G and of
 *   its G-… groups (G reads its retry topic and writes its dead letters; the operator, a super
 *   user of the cluster, writes the retry topic when it replays dead letters);
 * - a stateful group G also: WRITE and DESCRIBE on the transactional ids prefixed G, as its
 *   processor runs transactions as `G.<topic>.<partition>` (and a G-… instance as `G-….…`).
 * `resources` are the resources the specs name: apply revokes other ALLOW ACLs on them, so the
 * specs stay the single truth, and leaves every other resource alone.
 */
export function desiredAcls(specs: Iterable<TopicSpec>): DesiredAcls {
  const bindings = new Map<string, AclBinding>();
  const resources = new Map<string, AclResource>();
  const notes: string[] = [];
  const add = (principal: string, resource: AclResource, operations: string[]) => {
    resources.set(aclResourceKey(resource), resource);
    for (const operation of operations) {
      const binding = allow(principal, resource, operation);
      bindings.set(aclBindingKey(binding), binding);
    }
  };
  const groups = new Set<string>();
  const stateful = new Set<string>();
  for (const spec of specs) {
    const topic: AclResource = { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: spec.name };
    resources.set(aclResourceKey(topic), topic);
    for (const producer of spec.producers) add(producer, topic, ['WRITE', 'DESCRIBE']);
    for (const { group, stateful: isStateful } of spec.consumers) {
      groups.add(group);
      add(group, topic, ['READ', 'DESCRIBE']);
      add(group, { resourceType: 'GROUP', patternType: 'PREFIXED', resourceName: group }, ['READ']);
      add(group, { resourceType: 'TOPIC', patternType: 'PREFIXED', resourceName: `${spec.name}.${group}` }, ['WRITE', 'DESCRIBE', 'READ']);
      // Named by the spec too: an ACL someone adds on the literal name is not the specs' and goes.
      const named: AclResource[] = [
        { resourceType: 'GROUP', patternType: 'LITERAL', resourceName: group },
        { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: deadLetterTopicName(spec.name, group) },
        { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: retryTopicName(spec.name, group) },
      ];
      if (isStateful) {
        stateful.add(group);
        add(group, { resourceType: 'TRANSACTIONAL_ID', patternType: 'PREFIXED', resourceName: group }, ['WRITE', 'DESCRIBE']);
        named.push({ resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: changelogTopicName(spec.name, group) });
      }
      for (const resource of named) resources.set(aclResourceKey(resource), resource);
    }
  }
  for (const group of groups) {
    for (const other of groups) {
      if (other === group || !other.startsWith(group)) continue;
      const transactions = stateful.has(group) ? ' and its transactional ids' : '';
      notes.push(`group ${group}'s prefixed ACLs also cover group ${other}, its dead letter, retry and changelog topics${transactions}; rename one to keep them apart`);
    }
  }
  const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => value);
  return { bindings: byKey(bindings), resources: byKey(resources), notes };
}
