export { createLogger, silentLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
export { metricsRegistry, secondsSince } from './metrics-registry.ts';
export { httpMetrics } from './http-metrics.ts';
export { activeTraceIds, inProcessSpan, inSendSpan, traceHeadersOf } from './messaging-spans.ts';
export type { ProcessedRecords, TraceHeaders } from './messaging-spans.ts';
export { shutdownTracing } from './tracing-shutdown.ts';
