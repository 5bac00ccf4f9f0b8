import type { Router } from 'express';
import type { AccessControl } from '@thalweg/platform/auth';
import { rejectionError, type CommandOutcomes } from '@thalweg/platform/commands';
import { ThalwegError } from '@thalweg/platform/errors';
import type { ConsistencyTokens } from '@thalweg/platform/events';
import { parseFields, toProblem } from '@thalweg/platform/http';
import { decidedBody } from './ledger-answer.ts';
import { preferredWait } from './prefer-wait.ts';

export interface CommandRouteDependencies {
  outcomes: CommandOutcomes;
  access: AccessControl;
  tokens: ConsistencyTokens;
  waitMax: number; // s
}

const commandIdRule = { commandId: { type: 'uuid' } } as const;

/**
 * `GET /v1/commands/{commandId}`: pending, accepted (with where its events landed and a read
 * token) or rejected (with the problem naming the reason). `Prefer: wait=N` waits for the
 * decision as a command does. Another tenant's command is as unknown: 404.
 */
export function commandRoutes({ outcomes, access, tokens, waitMax }: CommandRouteDependencies) {
  return (router: Router) => {
    router.get('/commands/:commandId', async (request, response) => {
      const { commandId } = parseFields(request.params, commandIdRule, 'path');
      // A command is recorded before its 202 is sent: one not found now is unknown, and only its
      // tenant's callers wait for its decision.
      let status = await outcomes.find(commandId);
      await access.authorize(request, 'commands:read', { type: 'command', id: commandId, tenant: status?.tenant ?? null });
      if (!status) throw new ThalwegError('THALWEG_NOT_FOUND', `command ${commandId} not found`);
      const wait = preferredWait(request.header('prefer'), waitMax);
      if (wait > 0) response.setHeader('Preference-Applied', `wait=${wait}`);
      if (wait > 0 && status.status === 'pending') status = (await outcomes.waitForDecision(commandId, wait * 1_000)) ?? status;
      const body = { ...decidedBody(tokens, status), commandType: status.commandType, walletId: status.walletId, command: status.command };
      if (body.consistencyToken) response.setHeader('Consistency-Token', body.consistencyToken);
      response.json(status.status === 'rejected' ? { ...body, problem: toProblem(rejectionError(status)) } : body);
    });
  };
}
