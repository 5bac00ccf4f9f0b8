import type pg from 'pg';
import { createPostgresStore, createProjector, type ProjectionStore, type ProjectorOptions } from '@thalweg/platform/projection';
import { ledgerBatchProjection } from './ledger-batch-projection.ts';
import { ledgerProjection } from './ledger-projection.ts';
import { ledgerTablesDdl } from './ledger-tables.ts';

export interface LedgerProjectorOptions extends Omit<ProjectorOptions, 'store'> {
  pool: pg.Pool;
  /** Wraps the store, e.g. to observe or instrument every apply. */
  decorateStore?: (store: ProjectionStore) => ProjectionStore;
}

/** The ledger projection: wallets and their entries in PostgreSQL, exactly once per event. */
export async function createLedgerProjector({ pool, decorateStore = (store) => store, ...options }: LedgerProjectorOptions) {
  await pool.query(ledgerTablesDdl);
  const store = createPostgresStore({ pool, handler: ledgerProjection, batchHandler: ledgerBatchProjection });
  await store.init();
  return createProjector({ ...options, store: decorateStore(store) });
}
