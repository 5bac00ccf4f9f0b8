import pg from 'pg';
import { runService } from '@thalweg/platform/lifecycle';
import {
  createPostgresGenerations,
  createProjectionOffsetsTable,
  generationPool,
  generationProjectorOptions,
  startProjectorService,
  superviseGenerations,
} from '@thalweg/platform/projection';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadConfig } from './config.ts';
import { createLedgerProjector } from './ledger-projector.ts';
import { ledgerTables, ledgerTablesDdl } from './ledger-tables.ts';

const SERVICE = 'projector-postgres';
/** The operator's name for the projection (projection catalogue) and the schema readers read. */
const PROJECTION = 'ledger';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group } });

await runService(SERVICE, logger, async () => {
  const poolOptions: pg.PoolConfig = { connectionString: config.databaseUrl, max: config.poolSize, connectionTimeoutMillis: 3_000 };
  const pools = new Map<string, pg.Pool>();
  /** One pool per generation schema: the store and the DDL resolve their tables there. */
  const poolFor = (schema: string): pg.Pool => {
    let pool = pools.get(schema);
    if (!pool) {
      pool = generationPool(poolOptions, schema);
      pool.on('error', (error) => logger.warn('postgres pool error', { schema, error }));
      pools.set(schema, pool);
    }
    return pool;
  };
  const generations = createPostgresGenerations({ pool: poolFor('public'), projection: PROJECTION, declaredGroup: config.group, tables: ledgerTables });
  await generations.init(async (schema) => {
    await poolFor(schema).query(ledgerTablesDdl);
    await createProjectionOffsetsTable(poolFor(schema));
  });
  const projector = superviseGenerations({
    generations,
    logger,
    projectorFor: async (generation, role) =>
      createLedgerProjector({ ...generationProjectorOptions({ service: SERVICE, settings: config, generation, role, logger }), pool: poolFor(generation.schema) }),
  });
  return startProjectorService({
    service: SERVICE,
    projector,
    logger,
    host: config.host,
    port: config.port,
    closeStore: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  });
});
