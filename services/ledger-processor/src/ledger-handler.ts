import { ThalwegError } from '@thalweg/platform/errors';
import type { DomainEvent, PublishResult } from '@thalweg/platform/events';
import type { ProjectedEvent } from '@thalweg/platform/projection';
import type { Decision, ProcessorHandler, StateView } from '@thalweg/platform/processor';
import type { CommandDecided, CompleteTransfer, CreditTransfer, Position } from '@thalweg/platform/schemas';
import { decide } from './decide.ts';
import { evolve, walletOfEvent } from './evolve.ts';
import { clientCommandTypes, type ClientCommand, type LedgerCommand, type LedgerEvent, type Rejection } from './ledger-commands.ts';
import { stateKeys, type CommandRecord, type TransferState, type WalletState } from './ledger-state.ts';

const positionOf = ({ topic, partition, offset }: { topic: string; partition: number; offset: string }): Position => ({ topic, partition, offset: Number(offset) });
/** The positions of a decision's ledger events: they come first, before a transfer's next step. */
const eventPositions = (positions: PublishResult[], count: number) => positions.slice(0, count).map(positionOf);

/** An outcome's fields; the reason and detail come from the rejection, when there is one. */
type OutcomeFields = Omit<CommandDecided, 'reason' | 'detail' | 'positions'> & { rejection?: Rejection; positions?: Position[] };

/**
 * The ledger processor's handler: turns one command into the ledger's events, a transfer's next
 * step and, once decided, the command's outcome, and keeps the wallet's state. The decision itself
 * is `decide` and `evolve` (pure); this adds what the log needs around it: a command id decided
 * before changes nothing, and every client command gets exactly one CommandDecided.
 */
export function createLedgerHandler(): ProcessorHandler {
  return (input, state) => {
    const command = { type: input.metadata.type, data: input.data } as LedgerCommand;
    // Every output continues the command's correlation and trace, and names it as its cause.
    const emit = (type: string, subject: string, tenant: string, data: unknown): DomainEvent => ({
      type,
      subject,
      tenant,
      data: data as Record<string, unknown>,
      correlationId: input.metadata.correlationId,
      causationId: input.metadata.id,
      ...(input.metadata.traceparent ? { traceparent: input.metadata.traceparent } : {}),
      ...(input.metadata.tracestate ? { tracestate: input.metadata.tracestate } : {}),
    });
    // An outcome is keyed by the wallet its command addresses (a transfer's by its source), as the
    // command is: it lands on the partition of the same number, which only this partition's
    // producer writes. Keyed by command id, every processor partition wrote into every outcome
    // partition, and a read_committed reader of one waited for whichever transaction was open there.
    const outcome = (fields: OutcomeFields): DomainEvent => {
      const { rejection, positions = [], ...rest } = fields;
      const data: CommandDecided = { ...rest, reason: rejection?.reason ?? null, detail: rejection?.detail ?? null, positions };
      return emit('thalweg.ledger.CommandDecided', data.walletId, data.tenantId, data);
    };
    /** Applies the accepted events to the wallets they move (all of them keyed to this partition's wallet). */
    const applyEvents = (events: LedgerEvent[]) => {
      for (const event of events) {
        const key = stateKeys.wallet(walletOfEvent(event));
        const current = state.get<WalletState>(key);
        const next = evolve(current, event);
        // A transfer's own events leave the wallet as it is: nothing to write to the changelog.
        if (next && next !== current) state.set(key, next);
      }
      return events.map((event) => emit(event.type, walletOfEvent(event), event.data.tenantId, event.data));
    };

    if (clientCommandTypes.has(command.type)) return decideClientCommand(command as ClientCommand, input, state, { applyEvents, outcome, emit });
    if (command.type === 'thalweg.ledger.CreditTransfer') return creditDestination(command.data, state, { applyEvents, emit });
    if (command.type === 'thalweg.ledger.CompleteTransfer') return completeTransfer(command.data, state, { applyEvents, outcome });
    throw new ThalwegError('THALWEG_EVENT_REJECTED', `the ledger processor does not decide ${input.metadata.type}`);
  };
}

interface Emitters {
  applyEvents(events: LedgerEvent[]): DomainEvent[];
  outcome(fields: OutcomeFields): DomainEvent;
  emit(type: string, subject: string, tenant: string, data: unknown): DomainEvent;
}

function decideClientCommand(command: ClientCommand, input: ProjectedEvent, state: StateView, { applyEvents, outcome, emit }: Emitters): Decision {
  const { commandId, tenantId, requestedAt } = command.data;
  const commandKey = stateKeys.command(commandId);
  // Seen before (a retried publish that landed twice): its outcome is already on the log.
  if (state.get<CommandRecord>(commandKey)) return { events: [] };
  const walletId = command.type === 'thalweg.ledger.RequestTransfer' ? command.data.sourceWalletId : command.data.walletId;
  const verdict = decide({ wallet: state.get<WalletState>(stateKeys.wallet(walletId)) }, command);
  const decided = { commandId, commandType: command.type, tenantId, walletId, command: positionOf(input), decidedAt: requestedAt };
  if (verdict.kind === 'rejected') {
    state.set(commandKey, { outcome: 'rejected' } satisfies CommandRecord);
    return { events: [outcome({ ...decided, outcome: 'rejected', rejection: verdict.rejection })], outcome: { accepted: false, reason: verdict.rejection.reason } };
  }
  const events = applyEvents(verdict.events);
  if (command.type !== 'thalweg.ledger.RequestTransfer') {
    state.set(commandKey, { outcome: 'accepted' } satisfies CommandRecord);
    return { events, then: (positions) => [outcome({ ...decided, outcome: 'accepted', positions: eventPositions(positions, events.length) })], outcome: { accepted: true } };
  }
  // A transfer: the source is debited here; the destination is credited on its own partition.
  const { transferId, sourceWalletId, destinationWalletId, amountMinor, reference } = command.data;
  const { currency } = state.get<WalletState>(stateKeys.wallet(sourceWalletId))!;
  const transfer: TransferState = { transferId, commandId, sourceWalletId, destinationWalletId, tenantId, amountMinor, currency, reference, requestedAt: requestedAt.getTime(), commandPosition: decided.command, debitPositions: [] };
  state.set(commandKey, { outcome: 'pending' } satisfies CommandRecord);
  state.set(stateKeys.transfer(transferId), transfer);
  const step: CreditTransfer = { transferId, commandId, sourceWalletId, destinationWalletId, tenantId, amountMinor, currency, reference, requestedAt };
  return {
    events: [...events, emit('thalweg.ledger.CreditTransfer', destinationWalletId, tenantId, step)],
    then: (positions, view) => {
      view.set(stateKeys.transfer(transferId), { ...transfer, debitPositions: eventPositions(positions, events.length) });
      return [];
    },
  };
}

function creditDestination(step: CreditTransfer, state: StateView, { applyEvents, emit }: Pick<Emitters, 'applyEvents' | 'emit'>): Decision {
  const creditKey = stateKeys.transferCredit(step.transferId);
  if (state.get(creditKey)) return { events: [] };
  state.set(creditKey, true);
  const verdict = decide({ wallet: state.get<WalletState>(stateKeys.wallet(step.destinationWalletId)) }, { type: 'thalweg.ledger.CreditTransfer', data: step });
  const { transferId, commandId, sourceWalletId, destinationWalletId, tenantId, requestedAt } = step;
  const completion = (fields: Pick<CompleteTransfer, 'credited' | 'reason' | 'detail' | 'creditPositions'>) =>
    emit('thalweg.ledger.CompleteTransfer', sourceWalletId, tenantId, { transferId, commandId, sourceWalletId, destinationWalletId, tenantId, requestedAt, ...fields } satisfies CompleteTransfer);
  if (verdict.kind === 'rejected') return { events: [completion({ credited: false, reason: verdict.rejection.reason, detail: verdict.rejection.detail, creditPositions: [] })] };
  const events = applyEvents(verdict.events);
  return { events, then: (positions) => [completion({ credited: true, reason: null, detail: null, creditPositions: eventPositions(positions, events.length) })] };
}

function completeTransfer(step: CompleteTransfer, state: StateView, { applyEvents, outcome }: Pick<Emitters, 'applyEvents' | 'outcome'>): Decision {
  const transferKey = stateKeys.transfer(step.transferId);
  const transfer = state.get<TransferState>(transferKey);
  const verdict = decide({ wallet: state.get<WalletState>(stateKeys.wallet(step.sourceWalletId)), ...(transfer ? { transfer } : {}) }, { type: 'thalweg.ledger.CompleteTransfer', data: step });
  // Only a step for a transfer no longer pending gets here: it is nobody's command, so it is dead-lettered.
  if (verdict.kind === 'rejected' || !transfer) throw new ThalwegError('THALWEG_EVENT_REJECTED', verdict.kind === 'rejected' ? verdict.rejection.detail : `transfer ${step.transferId} is not pending`);
  const events = applyEvents(verdict.events);
  state.delete(transferKey);
  const decided = {
    commandId: transfer.commandId,
    commandType: 'thalweg.ledger.RequestTransfer',
    tenantId: transfer.tenantId,
    walletId: transfer.sourceWalletId,
    command: transfer.commandPosition,
    decidedAt: new Date(transfer.requestedAt),
  };
  if (!step.credited) {
    const rejection: Rejection = { reason: step.reason ?? 'THALWEG_COMMAND_REJECTED', detail: step.detail ?? 'the destination could not be credited' };
    state.set(stateKeys.command(transfer.commandId), { outcome: 'rejected' } satisfies CommandRecord);
    return { events, then: () => [outcome({ ...decided, outcome: 'rejected', rejection })], outcome: { accepted: false, reason: rejection.reason } };
  }
  state.set(stateKeys.command(transfer.commandId), { outcome: 'accepted' } satisfies CommandRecord);
  return {
    events,
    then: (positions) => [outcome({ ...decided, outcome: 'accepted', positions: [...transfer.debitPositions, ...step.creditPositions, ...eventPositions(positions, events.length)] })],
    outcome: { accepted: true },
  };
}
