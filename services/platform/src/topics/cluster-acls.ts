import kafkajs from 'kafkajs';
import type { AclEntry, Admin } from 'kafkajs';
import type { AclBinding, AclChange, AclResource } from './plan-types.ts';

const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

// kafkajs speaks Kafka's numeric codes (plain objects at run time, enums in its types); the plan speaks their names.
const nameOf = (codes: object, code: number) => Object.entries(codes).find(([, value]) => value === code)?.[0] ?? `UNKNOWN(${code})`;
function codeOf(codes: object, name: string): number {
  const code: unknown = (codes as Record<string, unknown>)[name];
  if (typeof code !== 'number') throw new Error(`unknown ACL value ${name}`);
  return code;
}

function toEntry(binding: AclBinding): AclEntry {
  return {
    resourceType: codeOf(AclResourceTypes, binding.resourceType),
    resourceName: binding.resourceName,
    resourcePatternType: codeOf(ResourcePatternTypes, binding.patternType),
    principal: binding.principal,
    host: binding.host,
    operation: codeOf(AclOperationTypes, binding.operation),
    permissionType: codeOf(AclPermissionTypes, binding.permission),
  } as AclEntry;
}

const managedTypes: readonly string[] = ['TOPIC', 'GROUP', 'TRANSACTIONAL_ID'] satisfies AclResource['resourceType'][];
const isManagedType = (name: string): name is AclResource['resourceType'] => managedTypes.includes(name);

/**
 * The cluster's topic, group and transactional id ACLs, or undefined when the brokers run no
 * authorizer (SECURITY_DISABLED), as a broker without authentication does. KafkaJS negotiates
 * DescribeAcls v1, the lowest version Kafka 4 still serves (KIP-896), which knows PREFIXED.
 */
export async function readAcls(admin: Admin): Promise<AclBinding[] | undefined> {
  let resources;
  try {
    ({ resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    }));
  } catch (error) {
    if ((error as { type?: string }).type === 'SECURITY_DISABLED') return undefined;
    throw error;
  }
  const bindings: AclBinding[] = [];
  for (const resource of resources) {
    const resourceType = nameOf(AclResourceTypes, resource.resourceType);
    const patternType = nameOf(ResourcePatternTypes, resource.resourcePatternType);
    if (!isManagedType(resourceType) || (patternType !== 'LITERAL' && patternType !== 'PREFIXED')) continue;
    for (const acl of resource.acls) {
      bindings.push({
        resourceType,
        patternType,
        resourceName: resource.resourceName,
        principal: acl.principal,
        host: acl.host,
        operation: nameOf(AclOperationTypes, acl.operation),
        permission: nameOf(AclPermissionTypes, acl.permissionType) === 'DENY' ? 'DENY' : 'ALLOW',
      });
    }
  }
  return bindings;
}

/** Grants, then revokes, each set in one request; a revocation filter matches its one binding exactly. */
export async function applyAclChanges(admin: Admin, changes: AclChange[]): Promise<void> {
  const grants = changes.filter((change) => change.kind === 'grant').map((change) => toEntry(change.binding));
  const revokes = changes.filter((change) => change.kind === 'revoke').map((change) => toEntry(change.binding));
  if (grants.length > 0) await admin.createAcls({ acl: grants });
  if (revokes.length > 0) await admin.deleteAcls({ filters: revokes });
}
