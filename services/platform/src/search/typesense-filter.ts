import { createHash } from 'node:crypto';
import { ThalwegError } from '../errors/index.ts';
import type { FilterExpression, FilterValue } from './filter-grammar.ts';
import { EVERY_TENANT } from './tenant-scope.ts';

// Typesense's filter_by takes a string literal between backticks and documents no escape inside
// one (API 27.x/28.x, Search, "Escaping Special Characters"): a value holding a backtick cannot be
// written, and its reader takes a backslash before a backtick as one, so both are refused here;
// the grammar refuses them earlier with the client's position.
const UNREPRESENTABLE = /[\u0000-\u001f\u007f`\\]/u;

/** A value as a filter_by literal: strings between backticks, numbers and booleans as written by us. */
export function typesenseLiteral(value: FilterValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ThalwegError('THALWEG_INTERNAL', 'a filter number must be finite');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (UNREPRESENTABLE.test(value)) throw new ThalwegError('THALWEG_INTERNAL', 'a filter value holds a backtick, a backslash or a control character');
  return `\`${value}\``;
}

/** Compiles a checked FilterExpression to filter_by clauses joined with &&. */
export function typesenseFilter(expression: FilterExpression): string {
  return expression.clauses
    .map((clause) =>
      clause.operator === 'in'
        ? `${clause.field}:=[${clause.values.map(typesenseLiteral).join(',')}]`
        : `${clause.field}:${clause.operator}${typesenseLiteral(clause.value)}`,
    )
    .join(' && ');
}

/**
 * The field the tenant scope filters on in Typesense. Typesense's `:=` on a string compares
 * normalised tokens (case, symbols and accents dropped; typesense/typesense#54), so a scope on the
 * tenant itself would let `acme` see `ACME` or `ac-me`. The key is the SHA-256 of the tenant in
 * lower-case hex, which that normalisation leaves as it is: one tenant, one key, exactly.
 */
export const TENANT_KEY_FIELD = 'tenant_key';

export function tenantKey(tenant: string): string {
  return createHash('sha256').update(tenant, 'utf8').digest('hex');
}

/** The tenant clause for a non-empty scope; undefined for every tenant. */
export function typesenseTenantFilter(tenants: readonly string[]): string | undefined {
  if (tenants.length === 1 && tenants[0] === EVERY_TENANT) return undefined;
  return `${TENANT_KEY_FIELD}:=[${tenants.map((tenant) => typesenseLiteral(tenantKey(tenant))).join(',')}]`;
}
