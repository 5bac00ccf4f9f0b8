import type { InstanceReadiness, ServiceReadiness } from './service-instances.ts';

/** `ready`, `not ready: consumer: retrying 2 (THALWEG_STORE_UNAVAILABLE)`, `unreachable: ECONNREFUSED`. */
export function readinessText(instance: InstanceReadiness): string {
  if (instance.state === 'unreachable') return `unreachable: ${instance.error}`;
  const failing = instance.checks.filter((check) => !check.ok);
  if (instance.state === 'ready' || failing.length === 0) return instance.state;
  return `${instance.state}: ${failing.map((check) => `${check.check}: ${check.error ?? 'failing'}`).join('; ')}`;
}

/** One line per instance, after where the instances were looked for. */
export function readinessLines(readiness: ServiceReadiness, indent = '  '): string[] {
  if (readiness.instances.length === 0) return [`${indent}instances: none known, ${readiness.source}`];
  return [`${indent}instances (${readiness.source}):`, ...readiness.instances.map((instance) => `${indent}  ${instance.url}  ${readinessText(instance)}`)];
}
