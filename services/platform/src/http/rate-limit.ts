import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { ThalwegError } from '../errors/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { rateLimitRefusals } from './api-metrics.ts';

/** Requests allowed per window; writes get their own, stricter quota. */
export interface RateLimits {
  windowSeconds: number;
  reads: number;
  writes: number;
}

export interface RateLimitOptions {
  redis: Redis;
  /** Names the counters, so two services do not share a caller's quota. */
  service: string;
  limits: RateLimits;
  logger: Logger;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// One round trip, atomic across instances: count this request in the caller's window and say
// how long the window still runs. The window starts with the caller's first request.
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const COUNT_COMMAND = 'thalwegRateLimitCount';

/** The script as a command of the client: sent once, then called by its SHA (EVALSHA). */
function countCommand(redis: Redis): (key: string, windowMs: number) => Promise<[number, number]> {
  if (!(COUNT_COMMAND in redis)) redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT_SCRIPT });
  const command = (redis as unknown as Record<string, (key: string, windowMs: number) => Promise<[number, number]>>)[COUNT_COMMAND]!;
  return (key, windowMs) => command.call(redis, key, windowMs);
}

/** The caller a quota belongs to: the verified subject, else the client address. */
function callerOf(request: Request): string {
  return request.identity ? `sub:${request.identity.subject}` : `addr:${request.ip ?? 'unknown'}`;
}

/**
 * Fixed-window rate limits per caller, counted in Redis so every instance of a service shares them.
 * Each answer carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers); a
 * caller over its quota gets 429 with `Retry-After`. When Redis cannot count, requests pass and
 * the failure is logged: a limit protects capacity, it never guards data.
 */
export function createRateLimit({ redis, service, limits, logger }: RateLimitOptions): RequestHandler {
  const windowMs = limits.windowSeconds * 1_000;
  const count = countCommand(redis);
  return (request: Request, response: Response, next: NextFunction) => {
    const kind = WRITE_METHODS.has(request.method) ? 'writes' : 'reads';
    const quota = limits[kind];
    const key = `thalweg:ratelimit:${service}:${kind}:${callerOf(request)}`;
    count(key, windowMs).then(
      ([used, ttl]) => {
        const resetSeconds = Math.max(1, Math.ceil(ttl / 1_000));
        const remaining = Math.max(0, quota - used);
        response.setHeader('RateLimit-Policy', `"${kind}";q=${quota};w=${limits.windowSeconds}`);
        response.setHeader('RateLimit', `"${kind}";r=${remaining};t=${resetSeconds}`);
        if (used <= quota) return next();
        rateLimitRefusals.inc({ kind });
        next(
          new ThalwegError('THALWEG_RATE_LIMITED', `more than ${quota} ${kind} in ${limits.windowSeconds} s; retry in ${resetSeconds} s`, {
            details: { headers: { 'Retry-After': String(resetSeconds) } },
          }),
        );
      },
      (error: unknown) => {
        logger.warn('rate limit not counted: Redis failed', { error });
        next();
      },
    );
  };
}
