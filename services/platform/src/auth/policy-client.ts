import { ThalwegError } from '../errors/index.ts';
import { secondsSince } from '../telemetry/index.ts';
import { policyCacheLookups, policyDecisionDuration } from './policy-metrics.ts';

/** What a service tells the policy about one request (docs/policies.md, "Input"). */
export interface PolicyInput {
  subject: string;
  tenant: string;
  roles: string[];
  client: string;
  action: string;
  /** Leave `tenant` out for creations and collection reads; `null` when the owner is unknown. */
  resource?: { type: string; id?: string; tenant?: string | null };
}

/** `data.thalweg.authz.decision` */
export interface AuthzDecision {
  allow: boolean;
  reason: string;
  cross_tenant: boolean;
}

/** `data.thalweg.filter.scope` */
export interface TenantScope {
  allow: boolean;
  tenants: string[];
  reason: string;
}

export interface PolicyClientOptions {
  /** OPA's base URL, e.g. http://127.0.0.1:8181 */
  url: string;
  /** A decision not given within this is no decision: 503. */
  timeoutMs?: number;
  /** How long an identical question keeps its answer; 0 turns the cache off. */
  cacheMs?: number;
  maxCachedDecisions?: number;
  now?: () => number;
}

export interface PolicyClient {
  decide(input: PolicyInput): Promise<AuthzDecision>;
  scope(input: PolicyInput): Promise<TenantScope>;
}

function policyUnavailable(message: string, cause?: unknown): ThalwegError {
  return new ThalwegError('THALWEG_POLICY_UNAVAILABLE', message, { cause, details: { headers: { 'Retry-After': '1' } } });
}

const isAuthzDecision = (value: unknown): value is AuthzDecision =>
  typeof value === 'object' && value !== null && typeof (value as AuthzDecision).allow === 'boolean' && typeof (value as AuthzDecision).reason === 'string' && typeof (value as AuthzDecision).cross_tenant === 'boolean';

const isTenantScope = (value: unknown): value is TenantScope =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as TenantScope).allow === 'boolean' &&
  typeof (value as TenantScope).reason === 'string' &&
  Array.isArray((value as TenantScope).tenants) &&
  (value as TenantScope).tenants.every((tenant) => typeof tenant === 'string');

/**
 * Asks OPA over its data API for every request. A decision that does not come within the timeout,
 * an error, or an answer without a well-formed result is THALWEG_POLICY_UNAVAILABLE: never an allow.
 * Identical questions share one answer for `cacheMs` (and one request while it is in flight), which
 * keeps OPA off the hot path of a busy caller without letting a changed policy wait long.
 */
export function createPolicyClient({ url, timeoutMs = 500, cacheMs = 2_000, maxCachedDecisions = 10_000, now = Date.now }: PolicyClientOptions): PolicyClient {
  const base = url.replace(/\/+$/, '');
  const cache = new Map<string, { expires: number; answer: Promise<unknown> }>();

  async function ask(path: string, input: PolicyInput): Promise<unknown> {
    const started = performance.now();
    const timed = (result: 'answered' | 'unavailable') => policyDecisionDuration.observe({ policy: path, result }, secondsSince(started));
    let response: Response;
    try {
      response = await fetch(`${base}/v1/data/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      timed('unavailable');
      throw policyUnavailable(timedOut ? `the policy engine did not answer within ${timeoutMs} ms` : 'the policy engine cannot be reached', error);
    }
    if (!response.ok) {
      timed('unavailable');
      throw policyUnavailable(`the policy engine answered ${response.status}`);
    }
    const body = (await response.json().catch(() => ({}))) as { result?: unknown };
    timed('answered');
    return body.result;
  }

  function cached(path: string, input: PolicyInput): Promise<unknown> {
    if (cacheMs <= 0) return ask(path, input);
    const key = `${path}\n${JSON.stringify(input)}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) {
      policyCacheLookups.inc({ policy: path, result: 'hit' });
      return hit.answer;
    }
    policyCacheLookups.inc({ policy: path, result: 'miss' });
    const answer = ask(path, input);
    answer.catch(() => {
      if (cache.get(key)?.answer === answer) cache.delete(key);
    });
    cache.delete(key);
    cache.set(key, { expires: now() + cacheMs, answer });
    if (cache.size > maxCachedDecisions) cache.delete(cache.keys().next().value!);
    return answer;
  }

  return {
    async decide(input) {
      const result = await cached('thalweg/authz/decision', input);
      if (!isAuthzDecision(result)) throw policyUnavailable('the policy engine gave no authorization decision: are the policies loaded?');
      return result;
    },
    async scope(input) {
      const result = await cached('thalweg/filter/scope', input);
      if (!isTenantScope(result)) throw policyUnavailable('the policy engine gave no tenant scope: are the policies loaded?');
      return result;
    },
  };
}
