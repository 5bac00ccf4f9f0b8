import { ThalwegError, errorCodes, type ErrorCode } from '../errors/index.ts';
import type { ConsistencyPosition } from '../events/index.ts';

/** Where a command stands, as the command side records it: pending until its outcome is on the log. */
export interface CommandStatus {
  commandId: string;
  commandType: string;
  tenant: string;
  walletId: string;
  status: 'pending' | 'accepted' | 'rejected';
  /** Where the command sits. */
  command: ConsistencyPosition;
  /** Where an accepted command's events landed. */
  positions?: ConsistencyPosition[];
  /** A rejection's reason code (THALWEG_INSUFFICIENT_FUNDS, …) and its words. */
  reason?: string;
  detail?: string;
}

/** The reason a rejection names, as one of Thalweg's codes: an unknown one reads as THALWEG_COMMAND_REJECTED. */
function rejectionCode(reason: string | undefined): ErrorCode {
  return reason !== undefined && reason in errorCodes && errorCodes[reason as ErrorCode].status === 422 ? (reason as ErrorCode) : 'THALWEG_COMMAND_REJECTED';
}

/** A rejected command as the error a client is answered with: 422 problem+json naming the reason and the command. */
export function rejectionError(status: CommandStatus): ThalwegError {
  const code = rejectionCode(status.reason);
  return new ThalwegError(code, `command ${status.commandId} was rejected: ${status.detail ?? code}`, { details: { problem: { commandId: status.commandId, commandType: status.commandType } } });
}
