import { namedTopicOf } from './compute-plan.ts';
import { formatAclChanges } from './format-acl-changes.ts';
import type { ConfigChange, PlanAction, TopicPlan } from './plan-types.ts';

function configLines(configs: Record<string, string>, indent: string): string[] {
  return Object.entries(configs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${indent}${key} = ${value}`);
}

function changeLine(change: ConfigChange, indent: string): string {
  const from = change.from === undefined ? '(unset)' : change.from;
  const to = change.to === undefined ? `(removed${change.inherited === undefined ? '' : `, falls back to ${change.inherited}`})` : change.to;
  const sign = change.to === undefined ? '-' : change.from === undefined ? '+' : '~';
  return `${indent}${sign} ${change.key}: ${from} → ${to}${change.destructiveReason ? `  [destructive: ${change.destructiveReason}]` : ''}`;
}

function subject(action: PlanAction): string {
  if (action.deadLetterOf) return `${action.topic}  (dead letters of group ${action.deadLetterOf.group} on ${action.deadLetterOf.topic})`;
  if (action.retryOf) return `${action.topic}  (replays for group ${action.retryOf.group} on ${action.retryOf.topic})`;
  if (action.changelogOf) return `${action.topic}  (changelog of stateful group ${action.changelogOf.group} on ${action.changelogOf.topic})`;
  return action.topic;
}

function refusal(action: PlanAction): string {
  return `      refused: destructive; run \`thalweg topics apply --allow-destructive ${namedTopicOf(action)}\` to do it`;
}

function describe(action: PlanAction): string[] {
  const refused = action.destructive && !action.allowed;
  switch (action.kind) {
    case 'create-topic':
      return [
        `  + create ${subject(action)}`,
        `      partitions = ${action.partitions}`,
        `      replication.factor = ${action.replicationFactor}`,
        ...configLines(action.configs, '      '),
      ];
    case 'add-partitions':
      return [`  ~ update ${subject(action)}`, `      ~ partitions: ${action.from} → ${action.to}`];
    case 'update-configs':
      return [
        `  ${refused ? '!' : '~'} ${refused ? 'refused' : 'update'} ${subject(action)}`,
        ...action.changes.map((change) => changeLine(change, '      ')),
        ...(refused ? [refusal(action)] : []),
      ];
    case 'change-replication-factor':
      return [
        `  ${refused ? '! refused' : '~ update'} ${subject(action)}`,
        `      ~ replication.factor: ${action.from} → ${action.to}  [destructive: moves replicas between brokers]`,
        ...action.assignments.map((replicas, partition) => `        partition ${partition} → brokers ${replicas.join(',')}`),
        ...(refused ? [refusal(action)] : []),
      ];
    case 'replace-topic':
      return [
        `  ${refused ? '! refused' : '-/+ replace'} ${subject(action)}`,
        ...action.reasons.map((reason) => `      ${reason}`),
        ...(refused ? [refusal(action)] : []),
      ];
    case 'delete-topic':
      return [`  - delete ${action.topic}  (not declared; named by --allow-destructive)`, '      all of its records are lost'];
  }
}

/** Renders a plan Terraform-style: `+ create`, `~ update`, `-/+ replace`, `- delete`, `! refused`. */
export function formatPlan(plan: TopicPlan): string {
  const lines: string[] = [`Cluster: ${plan.brokerCount} broker${plan.brokerCount === 1 ? '' : 's'}.`, ''];
  if (plan.actions.length === 0 && plan.acls.length === 0) lines.push('No changes: the cluster matches the topic specs.');
  for (const action of plan.actions) lines.push(...describe(action));
  if (plan.acls.length > 0) lines.push(...(plan.actions.length > 0 ? [''] : []), ...formatAclChanges(plan.acls));
  if (plan.notes.length > 0) lines.push('', 'Notes:', ...plan.notes.map((note) => `  * ${note}`));
  const count = (predicate: (action: PlanAction) => boolean) => plan.actions.filter(predicate).length;
  const refused = count((action) => action.destructive && !action.allowed);
  if (plan.actions.length > 0) {
    lines.push(
      '',
      `Plan: ${count((action) => action.kind === 'create-topic')} to create, ` +
        `${count((action) => action.allowed && (action.kind === 'add-partitions' || action.kind === 'update-configs' || action.kind === 'change-replication-factor'))} to update, ` +
        `${count((action) => action.allowed && action.kind === 'replace-topic')} to replace, ` +
        `${count((action) => action.kind === 'delete-topic')} to delete, ${refused} refused.`,
    );
  }
  if (plan.acls.length > 0) {
    const grants = plan.acls.filter((change) => change.kind === 'grant').length;
    if (plan.actions.length === 0) lines.push('');
    lines.push(`ACLs: ${grants} to grant, ${plan.acls.length - grants} to revoke.`);
  }
  return lines.join('\n');
}
