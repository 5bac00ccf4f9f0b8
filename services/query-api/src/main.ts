import pg from 'pg';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { consistencyTokenKeys } from '@thalweg/platform/config';
import { createConsistencyTokens } from '@thalweg/platform/events';
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
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', (error) => logger.warn('redis error', { error }));
  const mongo = new MongoClient(config.mongodbUrl, { serverSelectionTimeoutMS: 3_000 });
  const app = createQueryApi({ pool, mongo, userGroup: config.userGroup, redis, logger, security: config, ledgerGroup: config.ledgerGroup, consistencyTimeout: config.consistencyTimeout, tokens: createConsistencyTokens(consistencyTokenKeys(config)) });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info('listening', { host: config.host, port: config.port });
  return {
    async stop() {
      await server.close();
      await pool.end();
      await mongo.close();
      redis.disconnect();
    },
  };
});
