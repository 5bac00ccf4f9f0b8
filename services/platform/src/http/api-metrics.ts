import { Counter } from 'prom-client';
import { metricsRegistry } from '../telemetry/index.ts';

const registers = [metricsRegistry];

/** Retries answered from the stored answer of their Idempotency-Key, with no second run. */
export const idempotencyReplays = new Counter({ name: 'thalweg_idempotency_replays_total', help: 'Requests answered from the stored answer of their Idempotency-Key', registers });

/** Requests refused with 429, by the quota they went over. */
export const rateLimitRefusals = new Counter({ name: 'thalweg_rate_limit_refusals_total', help: 'Requests refused with 429, by quota (reads or writes)', labelNames: ['kind'], registers });
