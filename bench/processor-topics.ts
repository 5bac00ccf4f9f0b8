import { ledgerCommandTypes } from '../services/ledger-processor/src/ledger-commands.ts';

/** One processor benchmark round's topics and group (processor.ts creates them, processor-worker.ts decides on them). */
export interface BenchProcessorTopics {
  commands: string;
  events: string;
  outcomes: string;
  group: string;
}

/** What the worker tells processor.ts over IPC. */
export type WorkerMessage =
  | { kind: 'started' }
  | { kind: 'active' }
  | { kind: 'batch'; decided: number; transactionsMs: number[] }
  | { kind: 'stopped' };

export const OUTCOME_TYPE = 'thalweg.ledger.CommandDecided';

/** The round's topic of each event type, as the topic specs route them: commands, outcomes, the rest wallet events. */
export const benchTopicOf =
  ({ commands, events, outcomes }: BenchProcessorTopics) =>
  (type: string) => ({ name: ledgerCommandTypes.has(type) ? commands : type === OUTCOME_TYPE ? outcomes : events });

/** The round's changelog and dead letter topics, derived as the topic specs derive them. */
export const benchChangelogTopic = ({ commands, group }: BenchProcessorTopics) => `${commands}.${group}.changelog`;
export const benchDeadLetterTopic = ({ commands, group }: BenchProcessorTopics) => `${commands}.${group}.dlq`;
