import Type from 'typebox';
import type { AccessControl } from '@thalweg/platform/auth';
import { rejectionError, type CommandOutcomes } from '@thalweg/platform/commands';
import { ThalwegError } from '@thalweg/platform/errors';
import type { ConsistencyTokens } from '@thalweg/platform/events';
import { contractRoute, problemAnswer, problemSchema, routeContract, toProblem } from '@thalweg/platform/http';
import { consistencyTokenHeader, positionSchema, preferHeader, preferenceAppliedHeader, uuid } from './contract-schemas.ts';
import { decidedBody } from './ledger-answer.ts';
import { preferredWait } from './prefer-wait.ts';

export interface CommandRouteDependencies {
  outcomes: CommandOutcomes;
  access: AccessControl;
  tokens: ConsistencyTokens;
  waitMax: number; // s
}

/** Where a ledger command stands. */
export const commandStatusSchema = Type.Object(
  {
    commandId: uuid(),
    status: Type.Enum(['pending', 'accepted', 'rejected']),
    positions: Type.Array(positionSchema, { description: "Where the accepted command's events landed." }),
    consistencyToken: Type.Optional(Type.String({ description: 'Waits for the accepted command\'s events to be projected.' })),
    commandType: Type.String({ examples: ['thalweg.ledger.DebitFunds'] }),
    walletId: uuid(),
    command: positionSchema,
    problem: Type.Optional(problemSchema),
  },
  { additionalProperties: false, description: 'A rejected command carries the problem naming why it was refused.' },
);

export const commandContracts = {
  getCommand: routeContract({
    method: 'get',
    path: '/v1/commands/{commandId}',
    operationId: 'getCommand',
    summary: "A ledger command's outcome",
    description: "Pending, accepted (with its events' positions and a read token) or rejected (with the problem naming the reason). Another tenant's command is a 404.",
    params: Type.Object({ commandId: uuid() }),
    headers: Type.Object(preferHeader),
    responses: {
      '200': { description: 'Where the command stands.', headers: { 'Consistency-Token': consistencyTokenHeader, 'Preference-Applied': preferenceAppliedHeader }, body: commandStatusSchema },
      '404': problemAnswer('No such command for this caller.'),
    },
  }),
};

/**
 * `GET /v1/commands/{commandId}`: pending, accepted (with where its events landed and a read
 * token) or rejected (with the problem naming the reason). `Prefer: wait=N` waits for the
 * decision as a command does. Another tenant's command is as unknown: 404.
 */
export function commandRoutes({ outcomes, access, tokens, waitMax }: CommandRouteDependencies) {
  return [
    contractRoute(commandContracts.getCommand, async ({ params: { commandId } }, request, response) => {
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
    }),
  ];
}
