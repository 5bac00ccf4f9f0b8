import { Redis } from 'ioredis';
import { listen } from '@thalweg/platform/http';
import { createKafka, kafkaSasl } from '@thalweg/platform/kafka';
import { runService } from '@thalweg/platform/lifecycle';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { createPublisher } from '@thalweg/platform/events';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { createCommandApi } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: 'command-api' } });

await runService('command-api', logger, async () => {
  const kafka = createKafka({ brokers: config.kafkaBrokers, sasl: kafkaSasl(config), clientId: 'command-api', logger });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', (error) => logger.warn('redis error', { error }));
  const publisher = createPublisher({
    kafka,
    registry: createSchemaRegistryClient({ url: config.registryUrl }),
    schemas: loadSchemaCatalog(),
    topics: loadTopicSpecs(),
    source: '/thalweg/command-api',
    logger,
  });
  const app = createCommandApi({ publisher, redis, logger, security: config, idempotencyTtl: config.idempotencyTtl });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info('listening', { host: config.host, port: config.port });
  return {
    async stop() {
      await server.close();
      await publisher.disconnect();
      redis.disconnect();
    },
  };
});
