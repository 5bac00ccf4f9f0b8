import type { RequestHandler, Router } from 'express';
import { ThalwegError } from '../errors/index.ts';

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * Placed after a router's routes: a request no route took whose path one of them has, with
 * another method, is a 405 with `Allow` (RFC 9110) naming the methods the path has (HEAD with
 * GET, which express answers for it). Any other request goes on to the 404.
 */
export function methodNotAllowed(router: Router): RequestHandler {
  return (request, _response, next) => {
    const allowed = new Set<string>();
    for (const layer of router.stack as unknown as RouteLayer[]) {
      if (!layer.route || !layer.match(request.path)) continue;
      for (const [method, declared] of Object.entries(layer.route.methods)) if (declared && method !== '_all') allowed.add(method.toUpperCase());
    }
    if (allowed.size === 0) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    next(new ThalwegError('THALWEG_METHOD_NOT_ALLOWED', `${request.method} is not a method of ${request.baseUrl}${request.path}: ${allow}`, { details: { headers: { Allow: allow } } }));
  };
}
