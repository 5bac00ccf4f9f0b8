import type { ProcessorStatus } from './processor-runtime.ts';

/**
 * A processor is ready once its group has assigned it partitions and every one of them has its
 * state restored and is deciding: not while restoring, fenced, stopped on an error, or paused on
 * a retriable one.
 */
export function processorReadiness(processor: { status(): ProcessorStatus }) {
  return {
    name: 'processor',
    check: async () => {
      const status = processor.status();
      if (!status.running) throw new Error('consumer not running');
      if (!status.joined) throw new Error('not yet assigned partitions by the group');
      const notActive = status.partitions.filter((entry) => entry.phase !== 'active');
      if (notActive.length > 0) throw new Error(notActive.map((entry) => `${entry.partition} ${entry.phase}${entry.error ? ` (${entry.error})` : ''}`).join(', '));
      if (status.retrying.length > 0) throw new Error(`retrying ${status.retrying.map((entry) => `${entry.partition} (${entry.code})`).join(', ')}`);
    },
  };
}
