import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { identityOf } from '@thalweg/platform/auth';
import { derivedUuid, type ConsistencyTokens, type PublishResult } from '@thalweg/platform/events';
import type { Idempotency, IdempotentResponse } from '@thalweg/platform/http';

/** The 202 an identity command answers with: where its event landed and the token to read it back. */
export function accepted(tokens: ConsistencyTokens, result: PublishResult, extra: Record<string, unknown>): IdempotentResponse {
  const consistencyToken = tokens.position(result);
  return {
    status: 202,
    body: { ...extra, eventId: result.eventId, consistencyToken, position: { topic: result.topic, partition: result.partition, offset: result.offset } },
  };
}

/**
 * The id of a command, and of what it creates (a wallet, an entry, a transfer, a user). With an
 * Idempotency-Key it is derived from the key and the request, so a retry that runs the command
 * again after a failure it could not see through (a publish that timed out but landed) sends the
 * same id: the ledger processor decides a command id once, and a user id is one document. Random
 * otherwise.
 */
function commandId(request: Request, scope: string, key: string | undefined): string {
  return key === undefined ? randomUUID() : derivedUuid(scope, key, request.originalUrl, request.body);
}

/** Runs a command once per Idempotency-Key (when given; keys are per tenant and operation). */
export async function runCommand(
  { request, idempotency }: { request: Request; idempotency: Idempotency },
  operation: string,
  command: (id: string, origin: { derived: boolean }) => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const key = request.header('idempotency-key');
  const scope = `${identityOf(request).tenant}:${operation}`;
  const execute = () => command(commandId(request, scope, key), { derived: key !== undefined });
  // An empty header is a malformed key (400), not a request without one.
  return key !== undefined ? idempotency.run(scope, key, { path: request.originalUrl, body: request.body }, execute) : { ...(await execute()), replayed: false };
}

/** Sends a command's answer with Idempotent-Replayed, Consistency-Token and Location when it has them. */
export function sendAnswer(response: Response, answer: IdempotentResponse & { replayed: boolean; location?: string }): void {
  const body = answer.body as Record<string, unknown>;
  if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
  if (typeof body.consistencyToken === 'string') response.setHeader('Consistency-Token', body.consistencyToken);
  if (answer.location) response.setHeader('Location', answer.location);
  response.status(answer.status).json(body);
}

/** An identity command: run once per key, answered 202 with where its event landed. */
export async function answerCommand(
  { request, response, idempotency }: { request: Request; response: Response; idempotency: Idempotency },
  operation: string,
  command: (newId: string) => Promise<IdempotentResponse>,
  locate?: (body: Record<string, unknown>) => string,
): Promise<void> {
  const answer = await runCommand({ request, idempotency }, operation, command);
  sendAnswer(response, { ...answer, ...(locate && answer.status === 202 ? { location: locate(answer.body as Record<string, unknown>) } : {}) });
}
