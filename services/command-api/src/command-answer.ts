import { createHash, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { identityOf } from '@thalweg/platform/auth';
import { encodeConsistencyToken, type PublishResult } from '@thalweg/platform/events';
import type { Idempotency, IdempotentResponse } from '@thalweg/platform/http';

/** The 202 every command answers with: where the event landed and the token to read it back. */
export function accepted(result: PublishResult, extra: Record<string, unknown>): IdempotentResponse {
  const consistencyToken = encodeConsistencyToken(result);
  return {
    status: 202,
    body: { ...extra, eventId: result.eventId, consistencyToken, position: { topic: result.topic, partition: result.partition, offset: result.offset } },
  };
}

/**
 * The id a command creates (a wallet, an entry, a user). With an Idempotency-Key it is derived
 * from the key and the request, so a retry that runs the command again after a failure it could
 * not see through (a publish that timed out but landed) publishes the same id, and the projections
 * refuse the second event instead of applying it twice (an entry id is the ledger's key; a user id
 * is one document). Random otherwise.
 */
function commandId(request: Request, scope: string, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const digest = createHash('sha256').update(JSON.stringify([scope, key, request.originalUrl, request.body])).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x80; // version 8, custom (RFC 9562)
  digest[8] = (digest[8]! & 0x3f) | 0x80; // variant 10
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Runs a command once per Idempotency-Key (when given; keys are per tenant and operation) and
 * sends its answer with the Consistency-Token header, and Location when `locate` names one.
 * `command` is given the id of what it creates (see commandId).
 */
export async function answerCommand(
  { request, response, idempotency }: { request: Request; response: Response; idempotency: Idempotency },
  operation: string,
  command: (newId: string) => Promise<IdempotentResponse>,
  locate?: (body: Record<string, unknown>) => string,
): Promise<void> {
  const key = request.header('idempotency-key');
  const scope = `${identityOf(request).tenant}:${operation}`;
  const execute = () => command(commandId(request, scope, key));
  // An empty header is a malformed key (400), not a request without one.
  const outcome = key !== undefined
    ? await idempotency.run(scope, key, { path: request.originalUrl, body: request.body }, execute)
    : { ...(await execute()), replayed: false };
  const body = outcome.body as Record<string, unknown>;
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  if (typeof body.consistencyToken === 'string') response.setHeader('Consistency-Token', body.consistencyToken);
  if (locate && outcome.status === 202) response.setHeader('Location', locate(body));
  response.status(outcome.status).json(body);
}
