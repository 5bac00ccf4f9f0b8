import { createProcessor, type ProcessorOptions } from '@thalweg/platform/processor';
import { createLedgerHandler } from './ledger-handler.ts';

/** The ledger's decision stage: wallets' commands decided against their state, exactly once. */
export function createLedgerProcessor(options: Omit<ProcessorOptions, 'handler'>) {
  return createProcessor({ ...options, handler: createLedgerHandler() });
}
