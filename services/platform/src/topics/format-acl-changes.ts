import type { AclBinding, AclChange } from './plan-types.ts';

function resource(binding: AclBinding): string {
  const kind = binding.resourceType.toLowerCase().replaceAll('_', ' ');
  return binding.patternType === 'PREFIXED' ? `${kind}s prefixed ${binding.resourceName}` : `${kind} ${binding.resourceName}`;
}

function line(change: AclChange): string {
  const { binding } = change;
  const host = binding.host === '*' ? '' : ` from ${binding.host}`;
  const what = `${binding.permission === 'DENY' ? 'deny ' : ''}${binding.principal} ${binding.operation} on ${resource(binding)}${host}`;
  return change.kind === 'grant' ? `  + grant ${what}` : `  - revoke ${what}  (no spec asks for it)`;
}

/** The ACL part of a plan: `+ grant`, `- revoke`, one binding a line. */
export function formatAclChanges(changes: AclChange[]): string[] {
  if (changes.length === 0) return [];
  return ['ACLs, from the producers and consumer groups in the specs:', ...changes.map(line)];
}
