import type { RequestHandler } from 'express';
import { ThalwegError } from '../errors/index.ts';
import { pathPattern } from './route-contract.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Placed after a router's routes: a request no route took whose path the API's document declares
 * with other methods is a 405 with `Allow` (RFC 9110) naming them (HEAD with GET, which express
 * answers for it). `paths` is the document's, built from the route contracts, so Allow is what the
 * contracts declare. Any other request goes on to the 404.
 */
export function methodNotAllowed(paths: Record<string, Record<string, unknown>>): RequestHandler {
  const templates = Object.entries(paths).map(([template, operations]) => ({ pattern: pathPattern(template), methods: Object.keys(operations).filter((key) => METHODS.includes(key)) }));
  return (request, _response, next) => {
    const path = `${request.baseUrl}${request.path}`;
    const allowed = new Set(templates.filter(({ pattern }) => pattern.test(path)).flatMap(({ methods }) => methods.map((method) => method.toUpperCase())));
    if (allowed.size === 0) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    next(new ThalwegError('THALWEG_METHOD_NOT_ALLOWED', `${request.method} is not a method of ${path}: ${allow}`, { details: { headers: { Allow: allow } } }));
  };
}
