import type { ProjectorStatus } from './consumer-runtime.ts';

/**
 * A projector is ready while its consumer runs and no partition is paused on a retriable error,
 * so /readyz tells an orchestrator (and an operator) that a store is down.
 */
export function projectorReadiness(projector: { status(): ProjectorStatus }) {
  return {
    name: 'consumer',
    check: async () => {
      const status = projector.status();
      if (!status.running) throw new Error('consumer not running');
      if (status.retrying.length > 0) throw new Error(`retrying ${status.retrying.map((entry) => `${entry.partition} (${entry.code})`).join(', ')}`);
    },
  };
}
