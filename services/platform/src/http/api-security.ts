import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { createAccessControl, createBearerAuthentication, createPolicyClient, type AccessControl } from '../auth/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { createRateLimit, type RateLimits } from './rate-limit.ts';

/** The settings of `securitySettings` and `rateLimitSettings` (platform config). */
export interface ApiSecuritySettings {
  keycloakUrl: string;
  keycloakRealm: string;
  tokenAudience: string;
  keycloakTimeoutMs: number;
  opaUrl: string;
  opaTimeoutMs: number;
  opaCacheMs: number;
  rateLimitWindowSeconds: number;
  rateLimitReads: number;
  rateLimitWrites: number;
}

export interface ApiSecurity {
  /** For `createServiceApp({ guards })`: identify the caller, count it, refuse the unidentified. */
  guards: RequestHandler[];
  /** For the handlers: the policy decision on each action. */
  access: AccessControl;
}

/** What stands in front of every /v1 route of a Thalweg API, from its settings. */
export function createApiSecurity({ service, settings, redis, logger }: { service: string; settings: ApiSecuritySettings; redis: Redis; logger: Logger }): ApiSecurity {
  const bearer = createBearerAuthentication({ keycloakUrl: settings.keycloakUrl, realm: settings.keycloakRealm, audience: settings.tokenAudience, verifyTimeoutMs: settings.keycloakTimeoutMs });
  const limits: RateLimits = { windowSeconds: settings.rateLimitWindowSeconds, reads: settings.rateLimitReads, writes: settings.rateLimitWrites };
  return {
    guards: [bearer.identify, createRateLimit({ redis, service, limits, logger }), bearer.requireIdentity],
    access: createAccessControl(createPolicyClient({ url: settings.opaUrl, timeoutMs: settings.opaTimeoutMs, cacheMs: settings.opaCacheMs })),
  };
}
