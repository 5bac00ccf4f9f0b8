import type { Request, Response } from 'express';
import { rejectionError, type CommandOutcomes, type CommandStatus } from '@thalweg/platform/commands';
import { ThalwegError } from '@thalweg/platform/errors';
import type { ConsistencyPosition, ConsistencyTokens, DomainEvent, Publisher } from '@thalweg/platform/events';
import type { Idempotency } from '@thalweg/platform/http';
import { runCommand, sendAnswer } from './command-answer.ts';
import { preferredWait } from './prefer-wait.ts';

export interface LedgerAnswerDependencies {
  publisher: Publisher;
  outcomes: CommandOutcomes;
  idempotency: Idempotency;
  tokens: ConsistencyTokens;
  /** The longest `Prefer: wait` honoured. */
  waitMax: number; // s
}

/** Puts a command on the log and records it as pending; answers where it sits. */
export type Submit = (command: DomainEvent) => Promise<ConsistencyPosition>;

/** What a decided command's answer holds, beside what the route adds (walletId, entryId, …). */
export function decidedBody(tokens: ConsistencyTokens, status: CommandStatus): { commandId: string; status: CommandStatus['status']; positions: ConsistencyPosition[]; consistencyToken?: string } {
  const positions = status.positions ?? [];
  return { commandId: status.commandId, status: status.status, positions, ...(positions.length > 0 ? { consistencyToken: tokens.read(positions) } : {}) };
}

/**
 * A ledger command: run once per Idempotency-Key, put on ledger.commands.v1, and answered 202
 * with the command's id and a token for its outcome. With `Prefer: wait=N` the answer waits up to
 * N seconds for the ledger processor's decision: 201 (a creation, with its Location) or 200 with
 * where the events landed and a read token, 422 problem+json naming the reason of a rejection,
 * or still 202 when the bound passes. A retry with the same key waits on the same command.
 */
export function ledgerCommands({ publisher, outcomes, idempotency, tokens, waitMax }: LedgerAnswerDependencies) {
  return async function answer(
    { request, response }: { request: Request; response: Response },
    operation: string,
    command: (commandId: string, submit: Submit, run: { resumed: boolean }) => Promise<Record<string, unknown>>,
    created?: (body: Record<string, unknown>) => string,
  ): Promise<void> {
    let resumed = false;
    const pending = await runCommand({ request, idempotency }, operation, async (commandId, { derived }) => {
      // A derived id already recorded is this key's command, on the log since an earlier run whose
      // answer was lost (Redis failed to keep it): this run answers for it instead of publishing it again.
      const earlier = derived ? await outcomes.find(commandId) : null;
      resumed = earlier !== null;
      let position: ConsistencyPosition | undefined = earlier?.command;
      const submit: Submit = async (event) => {
        if (earlier) return earlier.command;
        const result = await publisher.publish(event);
        position = { topic: result.topic, partition: result.partition, offset: result.offset };
        await outcomes.recordPending({ commandId, commandType: event.type, tenant: event.tenant, walletId: event.subject, command: position });
        return position;
      };
      const extra = await command(commandId, submit, { resumed });
      if (!position) throw new ThalwegError('THALWEG_INTERNAL', `${operation}: the command was never submitted`);
      return { status: 202, body: { commandId, ...extra, status: 'pending', consistencyToken: tokens.command(commandId, position), position } };
    });
    const body = pending.body as Record<string, unknown> & { commandId: string };
    const replayed = pending.replayed || resumed;
    const wait = preferredWait(request.header('prefer'), waitMax);
    if (wait > 0) {
      response.setHeader('Preference-Applied', `wait=${wait}`);
      const status = await outcomes.waitForDecision(body.commandId, wait * 1_000);
      if (replayed) response.setHeader('Idempotent-Replayed', 'true');
      if (status?.status === 'rejected') throw rejectionError(status);
      if (status?.status === 'accepted') {
        const { position: _command, consistencyToken: _pending, ...rest } = body;
        const decided = { ...rest, ...decidedBody(tokens, status) };
        return sendAnswer(response, { status: created ? 201 : 200, body: decided, replayed, ...(created ? { location: created(decided) } : {}) });
      }
    }
    sendAnswer(response, { ...pending, replayed, location: `/v1/commands/${body.commandId}` });
  };
}

export type LedgerCommandAnswer = ReturnType<typeof ledgerCommands>;
