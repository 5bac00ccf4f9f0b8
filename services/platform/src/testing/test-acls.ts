import type { TestContext } from 'node:test';
import type { Admin } from 'kafkajs';
import { applyAclChanges } from '../topics/index.ts';
import type { AclBinding } from '../topics/index.ts';
import { onCleanup } from './cleanup.ts';

/**
 * Revokes, when the test ends, the ACLs the test granted (pass only those: the bindings a test
 * spec shares with the real specs, such as the projector-postgres group prefix, must stay).
 */
export function revokeAclsAtEnd(t: TestContext, admin: Admin, bindings: AclBinding[]): void {
  onCleanup(t, () => applyAclChanges(admin, bindings.map((binding) => ({ kind: 'revoke', binding }))));
}
