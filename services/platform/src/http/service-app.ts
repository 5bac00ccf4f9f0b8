import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Express, type RequestHandler, type Router } from 'express';
import { httpMetrics, metricsRegistry, type Logger } from '../telemetry/index.ts';
import { JSON_BODY_TYPES, jsonBodyType } from './json-body-type.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { notFoundHandler, problemDetailsMiddleware } from './problem-details.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  openapi: Record<string, unknown>;
  /** Runs before every /v1 route: authentication, then authorization and limits. */
  guards?: RequestHandler[];
  routes: (router: Router) => void;
  readiness?: ReadinessCheck[];
  bodyLimit?: string;
}

/**
 * An express app with what every Thalweg API shares: request ids, JSON bodies, /healthz,
 * /readyz, /metrics (Prometheus text), /openapi.json, the guard slot in front of /v1, and
 * problem+json for every error: 405 with Allow for a path the document declares without the
 * method, 413 for a body over the limit, 415 for a body that is not JSON.
 */
export function createServiceApp({ name, logger, openapi, guards = [], routes, readiness = [], bodyLimit = '64kb' }: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(httpMetrics());
  app.use((request, response, next) => {
    const incoming = request.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', requestId);
    next();
  });
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', service: name });
  });
  app.get('/readyz', async (_request, response) => {
    const results = await Promise.all(
      readiness.map(async ({ name: check, check: run }) => {
        try {
          await run();
          return { check, ok: true };
        } catch (error) {
          return { check, ok: false, error: (error as Error).message };
        }
      }),
    );
    const ready = results.every((result) => result.ok);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  app.get('/openapi.json', (_request, response) => {
    response.json(openapi);
  });
  app.get('/metrics', async (_request, response) => {
    response.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  const router = express.Router();
  // Guards first: an unidentified caller is refused (and counted) before its body is read, so a
  // malformed body from it is a 401, not a 400.
  for (const guard of guards) router.use(guard);
  router.use(jsonBodyType());
  router.use(express.json({ limit: bodyLimit, type: JSON_BODY_TYPES }));
  routes(router);
  router.use(methodNotAllowed((openapi.paths ?? {}) as Record<string, Record<string, unknown>>));
  app.use('/v1', router);
  app.use(notFoundHandler);
  app.use(problemDetailsMiddleware(logger));
  return app;
}

/** Listens and resolves once bound; returns a close function that drains keep-alive connections. */
export async function listen(app: Express, { host, port }: { host: string; port: number }): Promise<{ server: Server; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const instance = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(instance)));
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
