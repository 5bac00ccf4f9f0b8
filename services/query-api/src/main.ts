import pg from 'pg';
import { listen } from '@thalweg/platform/http';
import { runService } from '@thalweg/platform/lifecycle';
import { createLogger } from '@thalweg/platform/telemetry';
import { createQueryApi } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: 'query-api' } });

await runService('query-api', logger, async () => {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 3_000 });
  pool.on('error', (error) => logger.warn('postgres pool error', { error }));
  const app = createQueryApi({ pool, logger, ledgerGroup: config.ledgerGroup, consistencyTimeout: config.consistencyTimeout });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info('listening', { host: config.host, port: config.port });
  return {
    async stop() {
      await server.close();
      await pool.end();
    },
  };
});
