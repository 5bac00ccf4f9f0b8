export { runService } from './run-service.ts';
export type { RunningService } from './run-service.ts';
