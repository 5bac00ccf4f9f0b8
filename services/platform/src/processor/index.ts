export { createProcessor, processorBatchChannel } from './processor-runtime.ts';
export { processorRestoreChannel } from './partition-task.ts';
export type { Processor, ProcessorBatchReport, ProcessorOptions, ProcessorStatus } from './processor-runtime.ts';
export type { ProcessorRestoreReport, TaskPhase } from './partition-task.ts';
export type { Decision, ProcessorHandler } from './processor-types.ts';
export type { StateView } from './partition-state.ts';
export { processorReadiness } from './processor-readiness.ts';
export { processorServiceOptions, startProcessorService } from './processor-service.ts';
