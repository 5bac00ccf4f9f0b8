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
 * Runs a command once per Idempotency-Key (when given; keys are per tenant and operation) and
 * sends its answer with the Consistency-Token header, and Location when `locate` names one.
 */
export async function answerCommand(
  { request, response, idempotency }: { request: Request; response: Response; idempotency: Idempotency },
  operation: string,
  execute: () => Promise<IdempotentResponse>,
  locate?: (body: Record<string, unknown>) => string,
): Promise<void> {
  const key = request.header('idempotency-key');
  const { tenant } = identityOf(request);
  // An empty header is a malformed key (400), not a request without one.
  const outcome = key !== undefined
    ? await idempotency.run(`${tenant}:${operation}`, key, { path: request.originalUrl, body: request.body }, execute)
    : { ...(await execute()), replayed: false };
  const body = outcome.body as Record<string, unknown>;
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  if (typeof body.consistencyToken === 'string') response.setHeader('Consistency-Token', body.consistencyToken);
  if (locate && outcome.status === 202) response.setHeader('Location', locate(body));
  response.status(outcome.status).json(body);
}
