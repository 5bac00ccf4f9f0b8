import type { ProjectorStatus } from './consumer-runtime.ts';

/**
 * A projector is ready while its consumer runs and no partition is paused on a retriable error
 * or stopped, so /readyz tells an orchestrator (and an operator) that a store is down, the
 * registry answers for nothing, or a partition's history is gone.
 */
export function projectorReadiness(projector: { status(): ProjectorStatus }) {
  return {
    name: 'consumer',
    check: async () => {
      const status = projector.status();
      if (!status.running) throw new Error('consumer not running');
      if (status.stopped.length > 0) throw new Error(`stopped ${status.stopped.map((entry) => `${entry.partition} (${entry.code}: ${entry.message})`).join(', ')}`);
      if (status.retrying.length > 0) throw new Error(`retrying ${status.retrying.map((entry) => `${entry.partition} (${entry.code})`).join(', ')}`);
    },
  };
}
