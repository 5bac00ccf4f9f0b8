import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's metrics, served as Prometheus text on every service's /metrics
 * (createServiceApp), with Node's own (heap, event loop lag, GC, open handles) beside Thalweg's.
 * prom-client rather than OpenTelemetry's Prometheus exporter: docs/decisions.md.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** Seconds from a `performance.now()` start, for histograms. */
export const secondsSince = (started: number): number => (performance.now() - started) / 1_000;
