import type { Request } from 'express';

/** Who is calling: set by the authentication middleware from a verified token, read by handlers and policies. */
export interface Identity {
  subject: string;
  /** The `tenant` claim; empty when the token carries none (the policy then denies everything). */
  tenant: string;
  /** Realm roles. */
  roles: string[];
  /** The client the token was issued to (`azp`). */
  client: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    identity?: Identity;
  }
}

/** The identity of the request; the authentication middleware guarantees it on /v1 routes. */
export function identityOf(request: Request): Identity {
  if (!request.identity) throw new Error('identityOf: no identity on the request; is the authentication middleware mounted?');
  return request.identity;
}
