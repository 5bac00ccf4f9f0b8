import { validationError } from '../errors/index.ts';

/** The one wildcard of a tenant scope (docs/policies.md): `["*"]` is every tenant. */
export const EVERY_TENANT = '*';

/** What a scope lets a search see: nothing, every tenant, or the tenants named. */
export type ScopeReach = { kind: 'none' } | { kind: 'every' } | { kind: 'tenants'; tenants: string[] };

/**
 * Reads the scope from the policy decision: `[]` sees nothing, `["*"]` every tenant, otherwise the
 * tenants named. A `*` beside other tenants is refused rather than guessed at.
 */
export function scopeReach(scope: readonly string[]): ScopeReach {
  if (!Array.isArray(scope) || scope.some((tenant) => typeof tenant !== 'string' || tenant.length === 0)) {
    throw validationError([{ field: 'query.tenantScope', message: 'must be a list of tenant names' }]);
  }
  if (scope.length === 0) return { kind: 'none' };
  if (scope.includes(EVERY_TENANT)) {
    if (scope.length > 1) throw validationError([{ field: 'query.tenantScope', message: `${EVERY_TENANT} stands alone or not at all` }]);
    return { kind: 'every' };
  }
  return { kind: 'tenants', tenants: [...new Set(scope)] };
}
