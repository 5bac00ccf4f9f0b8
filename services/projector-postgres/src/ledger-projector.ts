import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { createPostgresStore, createProjector, type ProjectionStore, type ReaderSchemas } from '@thalweg/platform/projection';
import type { SchemaRegistryClient } from '@thalweg/platform/registry';
import type { Logger } from '@thalweg/platform/telemetry';
import { ledgerProjection } from './ledger-projection.ts';
import { ledgerTablesDdl } from './ledger-tables.ts';

export interface LedgerProjectorOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  pool: pg.Pool;
  group: string;
  topics: string[];
  deadLetterTopic: (topic: string) => string;
  readers?: ReaderSchemas;
  logger?: Logger;
  partitionsConsumedConcurrently?: number;
  retry?: { initial?: number; max?: number }; // ms
  sessionTimeout?: number; // ms
  heartbeatInterval?: number; // ms
  /** Wraps the store, e.g. to observe or instrument every apply. */
  decorateStore?: (store: ProjectionStore) => ProjectionStore;
}

/** The ledger projection: wallets and their entries in PostgreSQL, exactly once per event. */
export async function createLedgerProjector({ pool, decorateStore = (store) => store, ...options }: LedgerProjectorOptions) {
  await pool.query(ledgerTablesDdl);
  const store = createPostgresStore({ pool, handler: ledgerProjection });
  await store.init();
  return createProjector({ ...options, store: decorateStore(store) });
}
