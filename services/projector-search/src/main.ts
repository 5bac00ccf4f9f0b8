import { createServiceApp, listen } from '@thalweg/platform/http';
import { createKafka, kafkaSasl } from '@thalweg/platform/kafka';
import { runService } from '@thalweg/platform/lifecycle';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { loadCollectionSchema, openSearchBackend } from '@thalweg/platform/search';
import { createLogger } from '@thalweg/platform/telemetry';
import { deadLetterTopicName, loadTopicSpecs } from '@thalweg/platform/topics';
import { loadConfig } from './config.ts';
import { createPostgresSearchOffsets, kafkaCommittedOffsets } from './search-offsets.ts';
import { ENTRIES, USERS } from './search-projection.ts';
import { createSearchProjector } from './search-projector.ts';

/** The consumer group the topic specs declare for this service. */
const DECLARED_GROUP = 'projector-search';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: 'projector-search', group: config.group, backend: config.searchBackend } });

await runService('projector-search', logger, async () => {
  // The topic specs name this service's group; THALWEG_CONSUMER_GROUP may run it under another
  // group id (a rebuild, a second index) over the same topics.
  const topics = loadTopicSpecs().all().filter((spec) => spec.consumers.some((consumer) => consumer.group === DECLARED_GROUP)).map((spec) => spec.name);
  const catalog = loadSchemaCatalog();
  const backend = openSearchBackend({
    settings: config,
    schemas: [USERS, ENTRIES].map((name) => loadCollectionSchema(name)),
    poolSize: config.poolSize,
    onPoolError: (error) => logger.warn('postgres pool error', { error }),
  });
  const projector = await createSearchProjector({
    kafka: createKafka({ brokers: config.kafkaBrokers, sasl: kafkaSasl(config), clientId: 'projector-search', logger }),
    registry: createSchemaRegistryClient({ url: config.registryUrl }),
    index: backend.index,
    // PostgreSQL keeps the offsets beside the collections; Typesense leaves them to Kafka (docs/search.md).
    offsets: backend.pool ? createPostgresSearchOffsets(backend.pool) : kafkaCommittedOffsets,
    group: config.group,
    topics,
    deadLetterTopic: (topic) => deadLetterTopicName(topic, config.group),
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    logger,
    partitionsConsumedConcurrently: config.concurrency,
  });
  await projector.start();
  const health = createServiceApp({
    name: 'projector-search',
    logger,
    openapi: { openapi: '3.1.0', info: { title: 'Thalweg projector-search (health only)', version: '1.0.0' }, paths: {} },
    routes: () => {},
    readiness: [
      { name: 'search index', check: () => backend.ready() },
      {
        name: 'consumer',
        check: async () => {
          const status = projector.status();
          if (!status.running) throw new Error('consumer not running');
          if (status.retrying.length > 0) throw new Error(`retrying ${status.retrying.map((entry) => `${entry.partition} (${entry.code})`).join(', ')}`);
        },
      },
    ],
  });
  const server = await listen(health, { host: config.host, port: config.port });
  logger.info('projecting', { topics, health: `http://${config.host}:${config.port}/readyz` });
  return {
    async stop() {
      await server.close();
      await projector.stop();
      await backend.close();
    },
  };
});
