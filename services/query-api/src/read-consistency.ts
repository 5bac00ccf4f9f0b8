import type { Request } from 'express';
import { rejectionError, type CommandOutcomes } from '@thalweg/platform/commands';
import { ThalwegError } from '@thalweg/platform/errors';
import type { ConsistencyPosition, ConsistencyTokens } from '@thalweg/platform/events';

/** Waits for a projection to reach a position; throws when it does not within the bound. */
export interface PositionWaiter {
  waitFor(position: ConsistencyPosition, timeout: number): Promise<void>;
}

export interface ReadConsistencyOptions {
  position: PositionWaiter;
  /** How long a read waits, for the command's outcome and the projection together. */
  timeout: number; // ms
  /** The topics the projection reads: the only ones its tokens can name. */
  topics: string[];
  /** The command side's record of each command, for the token a command answers with before its outcome. */
  outcomes: Pick<CommandOutcomes, 'waitForDecision'>;
  /** Verifies the tokens' signatures (the command API signs them). */
  tokens: ConsistencyTokens;
}

const notReached = (what: string, timeout: number) =>
  new ThalwegError('THALWEG_CONSISTENCY_NOT_REACHED', `${what} within ${timeout} ms`, { details: { headers: { 'Retry-After': '1' } } });

/**
 * Read-your-writes: with a Consistency-Token header, a read is answered only once the projection
 * it reads has applied every position the token names (else THALWEG_CONSISTENCY_NOT_REACHED, a
 * 503). A command's own token waits for the ledger's decision first: a rejected command is
 * answered with its rejection (422), never with a read that would present it as applied. A token
 * of a topic the projection does not read is the client's mistake (400): no wait would reach it;
 * so is one the command API did not sign as it is (400 before any wait).
 */
export function readConsistency({ position, timeout, topics, outcomes, tokens }: ReadConsistencyOptions) {
  return async (request: Request): Promise<void> => {
    const token = request.header('consistency-token');
    if (!token) return;
    const target = tokens.decode(token);
    const deadline = Date.now() + timeout;
    let { positions } = target;
    if (target.commandId) {
      const status = await outcomes.waitForDecision(target.commandId, timeout);
      if (!status || status.status === 'pending') throw notReached(`command ${target.commandId} was not decided`, timeout);
      if (status.status === 'rejected') throw rejectionError(status);
      positions = status.positions ?? [];
    }
    const foreign = positions.find((entry) => !topics.includes(entry.topic));
    if (foreign) {
      const message = `is for an event on ${foreign.topic}; this read follows ${topics.join(', ')}`;
      throw new ThalwegError('THALWEG_CONSISTENCY_TOKEN_INVALID', `Consistency-Token ${message}`, { fields: [{ field: 'header.Consistency-Token', message }] });
    }
    for (const entry of positions) await position.waitFor(entry, Math.max(0, deadline - Date.now()));
  };
}
