import type { Request, RequestHandler } from 'express';
import { Histogram } from 'prom-client';
import { metricsRegistry, secondsSince } from './metrics-registry.ts';

/** OpenTelemetry's `http.server.request.duration`, as Prometheus names it; its count is the request count. */
const httpRequestDuration = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'HTTP requests answered, by method, route template and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/**
 * The route template the request matched (`/v1/wallets/:walletId`), never its path: ids would make
 * a series per wallet. Requests no route matched share `unmatched`. Express keeps the router's
 * baseUrl and the route on the request until its answer is sent.
 */
function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : 'unmatched';
}

/** Times every request from its arrival to its answer. */
export function httpMetrics(): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    response.on('finish', () => {
      httpRequestDuration.observe({ method: request.method, route: routeOf(request), status_code: String(response.statusCode) }, secondsSince(started));
    });
    next();
  };
}
