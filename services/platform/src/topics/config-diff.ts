import { normalisePolicy } from './topic-configs.ts';
import type { ConfigChange, CurrentConfig } from './plan-types.ts';

const sameValue = (key: string, a: string, b: string) => (key === 'cleanup.policy' ? normalisePolicy(a) === normalisePolicy(b) : a === b);

/** Retention as a number where -1 (keep forever) is the largest. */
const retention = (value: string) => (Number(value) < 0 ? Number.POSITIVE_INFINITY : Number(value));

/** Why moving a config from `from` to `to` loses data, or undefined when it does not. */
export function destructiveReason(key: string, from: string | undefined, to: string | undefined): string | undefined {
  if (key === 'cleanup.policy') {
    if (from === undefined || to === undefined) return 'the cleanup policy would change to an unknown value';
    if (!sameValue(key, from, to)) return `cleanup.policy ${from} → ${to} changes which records the topic keeps`;
    return undefined;
  }
  if (key === 'retention.ms' || key === 'retention.bytes') {
    if (from === undefined) return undefined;
    if (to === undefined) return `${key} falls back to an unknown default; older records may be deleted`;
    if (retention(to) < retention(from)) return `${key} ${from} → ${to} deletes records older or larger than the new limit`;
  }
  return undefined;
}

/**
 * The changes that take a topic's config overrides to the declared set: declared keys whose value
 * differs or is not set on the topic, and overrides the spec no longer declares (removed).
 */
export function diffConfigs(declared: Record<string, string>, current: Record<string, CurrentConfig>): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const [key, to] of Object.entries(declared)) {
    const now = current[key];
    if (now?.override && sameValue(key, now.value, to)) continue;
    const reason = destructiveReason(key, now?.value, to);
    changes.push({ key, ...(now ? { from: now.value } : {}), to, ...(reason ? { destructiveReason: reason } : {}) });
  }
  for (const [key, now] of Object.entries(current)) {
    if (!now.override || key in declared) continue;
    const reason = destructiveReason(key, now.value, now.inherited);
    changes.push({ key, from: now.value, ...(now.inherited !== undefined ? { inherited: now.inherited } : {}), ...(reason ? { destructiveReason: reason } : {}) });
  }
  return changes.sort((a, b) => a.key.localeCompare(b.key));
}
