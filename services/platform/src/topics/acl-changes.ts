import { aclBindingKey, aclResourceKey } from './desired-acls.ts';
import type { AclBinding, AclChange, DesiredAcls } from './plan-types.ts';

/**
 * The pure half of the ACL plan: grants for the desired bindings the cluster lacks, revocations
 * for the ALLOW bindings on the specs' resources that no spec asks for. DENY bindings and every
 * resource the specs do not name are left alone.
 */
export function computeAclChanges({ desired, existing }: { desired: DesiredAcls; existing: AclBinding[] }): AclChange[] {
  const present = new Set(existing.map(aclBindingKey));
  const wanted = new Set(desired.bindings.map(aclBindingKey));
  const managed = new Set(desired.resources.map(aclResourceKey));
  const grants: AclChange[] = desired.bindings.filter((binding) => !present.has(aclBindingKey(binding))).map((binding) => ({ kind: 'grant', binding }));
  const revokes: AclChange[] = existing
    .filter((binding) => binding.permission === 'ALLOW' && managed.has(aclResourceKey(binding)) && !wanted.has(aclBindingKey(binding)))
    .sort((a, b) => aclBindingKey(a).localeCompare(aclBindingKey(b)))
    .map((binding) => ({ kind: 'revoke', binding }));
  return [...grants, ...revokes];
}
