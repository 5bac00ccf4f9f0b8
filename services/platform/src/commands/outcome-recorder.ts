import type { ProjectionStore, RejectedRecord } from '../projection/index.ts';
import type { CommandDecided } from '../schemas/index.ts';
import type { CommandOutcomes } from './command-outcomes.ts';
import type { CommandStatus } from './command-status.ts';

const position = ({ topic, partition, offset }: { topic: string; partition: number; offset: number }) => ({ topic, partition, offset: String(offset) });

/** A CommandDecided event as the status the command side answers with. */
function statusOf(decided: CommandDecided): CommandStatus {
  return {
    commandId: decided.commandId,
    commandType: decided.commandType,
    tenant: decided.tenantId,
    walletId: decided.walletId,
    status: decided.outcome,
    command: position(decided.command),
    ...(decided.outcome === 'accepted' ? { positions: decided.positions.map(position) } : {}),
    ...(decided.reason === null ? {} : { reason: decided.reason }),
    ...(decided.detail === null ? {} : { detail: decided.detail }),
  };
}

/**
 * The projection of command outcomes into the command side's store. Recording an outcome sets its
 * value whole, so a redelivered one changes nothing. The store keeps no offsets (no readOffsets):
 * the group's Kafka offsets serve to resume.
 */
export function createOutcomeRecorder(outcomes: CommandOutcomes): ProjectionStore {
  return {
    async apply(batch) {
      const rejected: RejectedRecord[] = [];
      let applied = 0;
      for (const record of batch.records) {
        if (record.failure) {
          rejected.push({ offset: record.offset, message: record.message, error: record.failure });
          continue;
        }
        await outcomes.recordDecided(statusOf(record.event.data as unknown as CommandDecided));
        applied += 1;
      }
      await batch.deadLetter(rejected);
      return { applied, rejected: rejected.length };
    },
  };
}
