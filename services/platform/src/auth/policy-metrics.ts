import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../telemetry/index.ts';

const registers = [metricsRegistry];

/** OPA's answer time, by policy path and whether it answered (a timeout or error is `unavailable`). */
export const policyDecisionDuration = new Histogram({
  name: 'thalweg_policy_decision_duration_seconds',
  help: 'Time OPA took to answer a question the cache did not hold, by policy and result',
  labelNames: ['policy', 'result'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
  registers,
});

/** Questions answered by the decision cache (`hit`) or sent to OPA (`miss`). */
export const policyCacheLookups = new Counter({ name: 'thalweg_policy_cache_lookups_total', help: 'Policy questions answered from the decision cache (hit) or asked of OPA (miss)', labelNames: ['policy', 'result'], registers });
