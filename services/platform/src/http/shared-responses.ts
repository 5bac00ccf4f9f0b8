import Type from 'typebox';
import { problemAnswer } from './problem-schema.ts';
import type { ResponseContract, RouteContract } from './route-contract.ts';

const retryAfter = { description: 'Seconds to wait before retrying.', schema: Type.String({ pattern: '^[0-9]+$' }) };

/** What every /v1 route may answer before its own work: the guards (token, policy, rate limit) and the services they ask. */
export const guardedResponses = {
  '401': problemAnswer('No bearer token, or one that is not valid for this API (THALWEG_UNAUTHENTICATED).', {
    'WWW-Authenticate': { description: 'Bearer, with error="invalid_token" when a token was given.', schema: Type.String() },
  }),
  '403': problemAnswer('The policy denies the action (THALWEG_FORBIDDEN).'),
  '429': problemAnswer('Over the rate limit of the window (THALWEG_RATE_LIMITED).', {
    'Retry-After': retryAfter,
    RateLimit: { description: 'What is left of the quota.', schema: Type.String() },
    'RateLimit-Policy': { description: 'The quota and its window.', schema: Type.String() },
  }),
  '503': problemAnswer('A service the answer needs is unavailable (identity, policy, a store, Kafka); retry after Retry-After.', { 'Retry-After': retryAfter }),
} as const satisfies Record<string, ResponseContract>;

/** What a route with inputs may answer: a field that does not fit, a body over the limit or not JSON. */
export const inputResponses = {
  '400': problemAnswer('A parameter or the body does not fit the contract: errors names every field at fault (THALWEG_VALIDATION_FAILED).'),
  '413': problemAnswer('The body is over the size limit (THALWEG_PAYLOAD_TOO_LARGE).'),
  '415': problemAnswer('The body is not JSON (THALWEG_UNSUPPORTED_MEDIA_TYPE); Accept-Post or Accept-Patch says what is accepted.', {
    'Accept-Post': { schema: Type.String() },
    'Accept-Patch': { schema: Type.String() },
  }),
} as const satisfies Record<string, ResponseContract>;

/** Every answer an operation may give: its own, and the shared ones it does not declare itself. */
export function operationResponses(contract: RouteContract): Record<string, ResponseContract> {
  const inputs = contract.params || contract.query || contract.headers || contract.body;
  return {
    ...guardedResponses,
    ...(inputs ? { '400': inputResponses['400'] } : {}),
    ...(contract.body ? { '413': inputResponses['413'], '415': inputResponses['415'] } : {}),
    ...contract.responses,
  };
}
