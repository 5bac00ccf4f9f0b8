import type { Request } from 'express';
import { ThalwegError } from '../errors/index.ts';
import { identityOf } from './identity.ts';
import type { AuthzDecision, PolicyClient, PolicyInput } from './policy-client.ts';

/** The resource an action touches; `tenant: null` when its owner could not be found. */
export interface ResourceRef {
  type: string;
  id?: string;
  tenant?: string | null;
}

export interface AccessControl {
  /**
   * Asks the policy whether the caller may do `action` (on `resource`). Denied: 403 with the
   * policy's reason, or 404 when the resource is another tenant's (or has no known owner), the
   * same answer as for a resource that does not exist.
   */
  authorize(request: Request, action: string, resource?: ResourceRef): Promise<AuthzDecision>;
  /** The tenants a read or search must be restricted to, from the policy alone. */
  tenantScope(request: Request, action: string): Promise<string[]>;
}

export function policyInput(request: Request, action: string, resource?: ResourceRef): PolicyInput {
  const { subject, tenant, roles, client } = identityOf(request);
  return { subject, tenant, roles, client, action, ...(resource ? { resource } : {}) };
}

export function createAccessControl(policy: PolicyClient): AccessControl {
  return {
    async authorize(request, action, resource) {
      const decision = await policy.decide(policyInput(request, action, resource));
      if (decision.allow) return decision;
      if (decision.cross_tenant) {
        throw new ThalwegError('THALWEG_NOT_FOUND', `${resource?.type ?? 'resource'} ${resource?.id ?? ''} not found`.replace(/ +$/, ''));
      }
      throw new ThalwegError('THALWEG_FORBIDDEN', decision.reason, { details: { action } });
    },
    async tenantScope(request, action) {
      const scope = await policy.scope(policyInput(request, action));
      if (!scope.allow) throw new ThalwegError('THALWEG_FORBIDDEN', scope.reason, { details: { action } });
      return scope.tenants;
    },
  };
}
