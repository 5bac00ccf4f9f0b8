import type { NextFunction, Request, Response } from 'express';

/** Who is calling: set by the authentication middleware, read by handlers and policies. */
export interface Identity {
  subject: string;
  tenant: string;
  roles: string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    identity?: Identity;
  }
}

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The authentication slot's stand-in until bearer tokens are checked: every caller is an
 * anonymous member of the tenant named by `X-Thalweg-Tenant` (default `default`). It exists so
 * handlers already read the tenant from the identity, never from the body.
 */
export function anonymousIdentity({ defaultTenant = 'default' } = {}) {
  return (request: Request, _response: Response, next: NextFunction) => {
    const header = request.header('x-thalweg-tenant');
    const tenant = header && TENANT_PATTERN.test(header) ? header : defaultTenant;
    request.identity = { subject: 'anonymous', tenant, roles: [] };
    next();
  };
}

/** The identity of the request; the authentication middleware guarantees it on /v1 routes. */
export function identityOf(request: Request): Identity {
  if (!request.identity) throw new Error('identityOf: no identity on the request; is the authentication middleware mounted?');
  return request.identity;
}
