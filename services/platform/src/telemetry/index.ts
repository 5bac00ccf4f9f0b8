export { createLogger, silentLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
export { metricsRegistry, secondsSince } from './metrics-registry.ts';
export { httpMetrics, httpRequestDuration } from './http-metrics.ts';
