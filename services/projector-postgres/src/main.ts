import pg from 'pg';
import { runService } from '@thalweg/platform/lifecycle';
import { projectorServiceOptions, startProjectorService } from '@thalweg/platform/projection';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadConfig } from './config.ts';
import { createLedgerProjector } from './ledger-projector.ts';

const SERVICE = 'projector-postgres';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group } });

await runService(SERVICE, logger, async () => {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, connectionTimeoutMillis: 3_000 });
  pool.on('error', (error) => logger.warn('postgres pool error', { error }));
  const options = projectorServiceOptions({ service: SERVICE, declaredGroup: SERVICE, settings: config, logger });
  const projector = await createLedgerProjector({ ...options, pool });
  return startProjectorService({ service: SERVICE, projector, logger, host: config.host, port: config.port, closeStore: () => pool.end() });
});
