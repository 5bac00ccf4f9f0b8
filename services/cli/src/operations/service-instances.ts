import { errorText } from './error-text.ts';

/**
 * Thalweg's services and the ports compose/native/services.sh starts them on (a unit test keeps
 * the two equal): where an instance is looked for when no THALWEG_<SERVICE>_URL names it.
 */
export const serviceCatalogue: ReadonlyArray<{ service: string; port: number }> = [
  { service: 'command-api', port: 4001 },
  { service: 'query-api', port: 4002 },
  { service: 'search-api', port: 4003 },
  { service: 'projector-postgres', port: 4011 },
  { service: 'projector-search', port: 4012 },
  { service: 'projector-mongo', port: 4013 },
  { service: 'ledger-processor', port: 4014 },
];

/** projector-postgres -> THALWEG_PROJECTOR_POSTGRES_URL */
export function instanceUrlVariable(service: string): string {
  return `THALWEG_${service.toUpperCase().replaceAll('-', '_')}_URL`;
}

export interface ServiceInstances {
  service: string;
  urls: string[];
  /** Where the URLs came from, for the operator to correct the right thing. */
  source: string;
}

/**
 * A service's instances: THALWEG_<SERVICE>_URL, comma-separated for several (a service may run
 * more than once), else the one services.sh starts on 127.0.0.1, moved by THALWEG_PORT_OFFSET as
 * the stack is.
 */
export function serviceInstances(service: string, env: NodeJS.ProcessEnv): ServiceInstances {
  const variable = instanceUrlVariable(service);
  const given = env[variable]?.split(',').map((url) => url.trim().replace(/\/+$/, '')).filter(Boolean) ?? [];
  if (given.length > 0) return { service, urls: given, source: variable };
  const declared = serviceCatalogue.find((entry) => entry.service === service);
  if (!declared) return { service, urls: [], source: `${variable} (not set; no default port known)` };
  const offset = Number(env.THALWEG_PORT_OFFSET ?? 0) || 0;
  return { service, urls: [`http://127.0.0.1:${declared.port + offset}`], source: `default: ${variable} not set, services.sh port ${declared.port}${offset ? ` + THALWEG_PORT_OFFSET ${offset}` : ''}` };
}

export interface ReadinessCheckResult {
  check: string;
  ok: boolean;
  error?: string;
}

export type InstanceReadiness =
  | { url: string; state: 'ready' | 'not ready'; checks: ReadinessCheckResult[] }
  | { url: string; state: 'unreachable'; error: string };

/** One instance's /readyz: 200 ready, 503 not ready with the failing checks, else unreachable. */
export async function probeReadiness(url: string, { timeoutMs = 1_500 } = {}): Promise<InstanceReadiness> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => ({}))) as { checks?: ReadinessCheckResult[] };
    const checks = Array.isArray(body.checks) ? body.checks : [];
    if (response.status === 200) return { url, state: 'ready', checks };
    if (response.status === 503) return { url, state: 'not ready', checks };
    return { url, state: 'unreachable', error: `/readyz answered ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { url, state: 'unreachable', error: (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : errorText(cause ?? error) };
  }
}

/** A service's instances with their readiness, probed in parallel. */
export async function serviceReadiness(service: string, env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}) {
  const instances = serviceInstances(service, env);
  return { ...instances, instances: await Promise.all(instances.urls.map((url) => probeReadiness(url, options))) };
}

export type ServiceReadiness = Awaited<ReturnType<typeof serviceReadiness>>;
