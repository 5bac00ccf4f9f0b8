import type { Request, RequestHandler } from 'express';
import { ThalwegError } from '../errors/index.ts';

/** The media types a body may be sent as: JSON, and JSON-based types such as `application/merge-patch+json`. */
export const JSON_BODY_TYPES = ['application/json', 'application/*+json'];

/** A body is there when it has bytes: `Content-Length: 0` (what clients send for an empty PUT) is none. */
function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/**
 * 415 for a body sent as anything but JSON: the JSON parser would leave it unread, and the route
 * would then report a missing body, which is not what is wrong. `Accept-Post` and `Accept-Patch`
 * (RFC 5789) say what is accepted.
 */
export function jsonBodyType(): RequestHandler {
  return (request, response, next) => {
    if (!hasBody(request) || request.is(JSON_BODY_TYPES)) return next();
    response.setHeader(request.method === 'PATCH' ? 'Accept-Patch' : 'Accept-Post', 'application/json');
    const sent = request.headers['content-type'] ?? 'none';
    next(new ThalwegError('THALWEG_UNSUPPORTED_MEDIA_TYPE', `header.Content-Type: a body is JSON (application/json), not ${sent}`, { fields: [{ field: 'header.Content-Type', message: `must be application/json, not ${sent}` }] }));
  };
}
