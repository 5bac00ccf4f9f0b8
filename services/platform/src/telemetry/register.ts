/**
 * Loaded with `node --import` before a service's own code (`--import tsx --import
 * @thalweg/platform/telemetry/register`), so the instrumented modules (http, express, pg,
 * mongodb, ioredis) are patched before anything loads them. The SDK is shut down, its last
 * spans flushed, by runService when the service stops.
 */
import { register } from 'node:module';
import { startTracing } from './tracing.ts';

// ES modules are patched through this loader hook; CommonJS ones (pg, mongodb, ioredis, express)
// through require. The hook is import-in-the-middle's, as @opentelemetry/instrumentation ships it.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
export const tracing = startTracing();
