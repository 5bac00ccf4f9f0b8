export { createCommandOutcomes } from './command-outcomes.ts';
export type { CommandOutcomes, CommandOutcomesOptions } from './command-outcomes.ts';
export { rejectionError } from './command-status.ts';
export type { CommandStatus } from './command-status.ts';
export { createOutcomeRecorder } from './outcome-recorder.ts';
