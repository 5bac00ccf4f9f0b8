import type { NextFunction, Request, RequestHandler, Response } from 'express';
import KeycloakConnect from 'keycloak-connect';
import { ThalwegError } from '../errors/index.ts';
import type { Identity } from './identity.ts';

export interface BearerAuthenticationOptions {
  /** Keycloak's base URL as the issuer names it: tokens are accepted only from `<url>/realms/<realm>`. */
  keycloakUrl: string;
  realm: string;
  /** The audience every access token must carry (`aud`). */
  audience: string;
  /** Least time between two fetches of the realm's signing keys, when a token names an unknown key. */
  minSecondsBetweenKeyFetches?: number;
  /** A token not verified within this (its signing keys not fetched) is answered 503. */
  verifyTimeoutMs?: number;
}

/** The part of a verified Keycloak access token Thalweg reads. */
interface AccessTokenClaims {
  sub?: string;
  azp?: string;
  tenant?: unknown;
  realm_access?: { roles?: unknown };
}

/** How a verified token becomes an identity: realm roles, the `tenant` claim, the client it was issued to. */
export function identityFromClaims(claims: AccessTokenClaims): Identity {
  const roles = Array.isArray(claims.realm_access?.roles) ? claims.realm_access.roles.filter((role): role is string => typeof role === 'string') : [];
  return {
    subject: claims.sub ?? `service-account:${claims.azp ?? 'unknown'}`,
    tenant: typeof claims.tenant === 'string' ? claims.tenant : '',
    roles,
    client: claims.azp ?? '',
  };
}

/** RFC 6750: the challenge names the realm, and why a given token was refused. */
function unauthenticated(realm: string, description?: string): ThalwegError {
  const challenge = description ? `Bearer realm="${realm}", error="invalid_token", error_description="${description.replaceAll('"', "'")}"` : `Bearer realm="${realm}"`;
  return new ThalwegError('THALWEG_UNAUTHENTICATED', description ? `bearer token refused: ${description}` : 'a bearer token is required (Authorization: Bearer <token>)', {
    details: { headers: { 'WWW-Authenticate': challenge } },
  });
}

/** The key server's failure, not the caller's: 503. */
function identityUnavailable(message: string, cause?: Error): ThalwegError {
  return new ThalwegError('THALWEG_IDENTITY_UNAVAILABLE', message, { cause, details: { headers: { 'Retry-After': '5' } } });
}

// keycloak-connect reports a key it could not load the same way whether Keycloak is down or the
// token names a key the realm never had; only the first is the server's problem.
const KEY_FETCH_FAILURE = /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|socket hang up|Error fetching JWK Keys/;

/** Why a token was refused (by keycloak-connect, or by the deadline), as the answer to give. */
function refusal(realm: string, error: Error): ThalwegError {
  if (error instanceof ThalwegError) return error;
  const reason = error.message.replace(/^Grant validation failed\. Reason: /, '');
  if (KEY_FETCH_FAILURE.test(reason)) return identityUnavailable("the identity provider's signing keys cannot be fetched", error);
  // An unknown key id fails inside keycloak-connect's key rotation: a failed load, or (while it
  // throttles key fetches) a call on the undefined it returns.
  if (reason.startsWith('failed to load public key') || reason.startsWith('Cannot read properties of undefined')) return unauthenticated(realm, 'invalid token (unknown signing key)');
  return unauthenticated(realm, reason);
}

/**
 * keycloak-connect fetches the signing keys with no deadline of its own, so a Keycloak that accepts
 * connections and never answers would hold every request with a new key id. The caller gets its
 * 503 at the deadline; the abandoned fetch ends when Keycloak answers or drops the connection.
 */
function withinDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(identityUnavailable(`the identity provider's signing keys were not fetched within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Why the bearer token was refused, kept until `requireIdentity` answers for it. */
    authenticationFailure?: ThalwegError;
  }
}

export interface BearerAuthentication {
  /** Verifies the token when there is one: sets `request.identity`, or records why it was refused. */
  identify: RequestHandler;
  /** Answers 401 (or 503) for a request `identify` could not identify. */
  requireIdentity: RequestHandler;
}

/**
 * Bearer tokens checked with keycloak-connect: signature against the realm's published keys,
 * issuer, audience, expiry and token type. Split in two so that a rate limit can sit between them
 * and count unidentified callers by address. When the keys cannot be fetched, or not in time, the
 * answer is 503: the caller is not at fault.
 */
export function createBearerAuthentication({ keycloakUrl, realm, audience, minSecondsBetweenKeyFetches = 10, verifyTimeoutMs = 2_000 }: BearerAuthenticationOptions): BearerAuthentication {
  const keycloak = new KeycloakConnect({}, {
    'auth-server-url': keycloakUrl.replace(/\/+$/, ''),
    realm,
    resource: audience,
    'bearer-only': true,
    'verify-token-audience': true,
    'min-time-between-jwks-requests': minSecondsBetweenKeyFetches,
    'ssl-required': 'external',
    'confidential-port': 0,
  } as unknown as KeycloakConnect.KeycloakConfig);

  return {
    identify(request: Request, _response: Response, next: NextFunction) {
      const header = request.header('authorization');
      if (!header) return next();
      const match = /^Bearer +([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim());
      if (!match) {
        request.authenticationFailure = unauthenticated(realm, 'the Authorization header is not "Bearer <token>"');
        return next();
      }
      withinDeadline(keycloak.grantManager.createGrant({ access_token: match[1] } as unknown as string), verifyTimeoutMs)
        .then((grant) => {
          request.identity = identityFromClaims((grant.access_token as unknown as { content: AccessTokenClaims }).content);
        })
        .catch((error: Error) => {
          request.authenticationFailure = refusal(realm, error);
        })
        .finally(() => next());
    },
    requireIdentity(request: Request, _response: Response, next: NextFunction) {
      if (request.identity) return next();
      next(request.authenticationFailure ?? unauthenticated(realm));
    },
  };
}
