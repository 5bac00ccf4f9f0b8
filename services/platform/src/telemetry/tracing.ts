import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { setTracingShutdown } from './tracing-shutdown.ts';

/** `service.instance.id` (incubating in the conventions): the process, so two instances of a service are told apart. */
const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

/**
 * The service a process runs, from its entry script (`services/<name>/src/main.ts`), with the
 * version of that service's package: the defaults OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
 * override (the SDK reads both).
 */
function serviceOf(entry: string | undefined): { name: string; version: string } {
  const serviceDir = entry ? dirname(dirname(entry)) : undefined;
  const name = serviceDir ? basename(serviceDir) : 'thalweg';
  try {
    const manifest = JSON.parse(readFileSync(join(serviceDir!, 'package.json'), 'utf8')) as { version?: string };
    return { name, version: manifest.version ?? '0.0.0' };
  } catch {
    return { name, version: '0.0.0' };
  }
}

/**
 * Starts OpenTelemetry tracing for this process: spans of incoming and outgoing HTTP, express
 * routes, PostgreSQL, MongoDB and Redis calls, plus those Thalweg makes itself around Kafka
 * (publisher, projector, processor), exported over OTLP. Configured by the standard variables
 * only: OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT), OTEL_EXPORTER_OTLP_PROTOCOL,
 * OTEL_TRACES_EXPORTER (`none` turns export off), OTEL_TRACES_SAMPLER, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED.
 */
export function startTracing(entry = process.argv[1]): NodeSDK {
  const service = serviceOf(entry);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service.name, [ATTR_SERVICE_VERSION]: service.version, [ATTR_SERVICE_INSTANCE_ID]: `${hostname()}/${process.pid}` }),
    instrumentations: [
      // Health, readiness and scrapes are not traced: they would drown the requests.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? '') }),
      // The route's handler only: a span per middleware (guards, body parser) would be most of a
      // request's spans and of its tracing cost, and the guards' own calls (Redis) are traced anyway.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      new PgInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  setTracingShutdown(() => sdk.shutdown());
  return sdk;
}
