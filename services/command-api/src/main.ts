import { Redis } from 'ioredis';
import { createCommandOutcomes, createOutcomeRecorder } from '@thalweg/platform/commands';
import { listen } from '@thalweg/platform/http';
import { createKafka, kafkaSasl } from '@thalweg/platform/kafka';
import { runService } from '@thalweg/platform/lifecycle';
import { createProjector, projectorReadiness } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { consistencyTokenKeys } from '@thalweg/platform/config';
import { createConsistencyTokens, createPublisher } from '@thalweg/platform/events';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createLogger } from '@thalweg/platform/telemetry';
import { deadLetterTopicName, loadTopicSpecs } from '@thalweg/platform/topics';
import { createCommandApi } from './app.ts';
import { loadConfig } from './config.ts';

const SERVICE = 'command-api';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE } });

await runService(SERVICE, logger, async () => {
  const kafka = createKafka({ brokers: config.kafkaBrokers, sasl: kafkaSasl(config), clientId: SERVICE, logger });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', (error) => logger.warn('redis error', { error }));
  const registry = createSchemaRegistryClient({ url: config.registryUrl });
  const catalog = loadSchemaCatalog();
  const specs = loadTopicSpecs();
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: specs, source: `/thalweg/${SERVICE}`, logger });
  const outcomes = createCommandOutcomes({ redis, ttlSeconds: config.idempotencyTtl });
  // The ledger processor's outcomes, read off the log into the store every instance answers from.
  const recorder = createProjector({
    kafka,
    registry,
    store: createOutcomeRecorder(outcomes),
    group: SERVICE,
    topics: specs.consumedBy(SERVICE),
    deadLetterTopic: (topic) => deadLetterTopicName(topic, SERVICE),
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    logger,
  });
  await recorder.start();
  const app = createCommandApi({ publisher, redis, outcomes, logger, security: config, tokens: createConsistencyTokens(consistencyTokenKeys(config)), idempotencyTtl: config.idempotencyTtl, waitMax: config.waitMax, readiness: [projectorReadiness(recorder)] });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info('listening', { host: config.host, port: config.port });
  return {
    async stop() {
      await server.close();
      await recorder.stop();
      await publisher.disconnect();
      await outcomes.close();
      redis.disconnect();
    },
  };
});
