import { MongoClient } from 'mongodb';
import { createServiceApp, listen } from '@thalweg/platform/http';
import { createKafka, kafkaSasl } from '@thalweg/platform/kafka';
import { runService } from '@thalweg/platform/lifecycle';
import { projectorReadiness } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createLogger } from '@thalweg/platform/telemetry';
import { deadLetterTopicName, loadTopicSpecs } from '@thalweg/platform/topics';
import { loadConfig } from './config.ts';
import { createUserProjector } from './user-projector.ts';

/** The consumer group the topic specs declare for this service. */
const DECLARED_GROUP = 'projector-mongo';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: 'projector-mongo', group: config.group } });

await runService('projector-mongo', logger, async () => {
  // THALWEG_CONSUMER_GROUP may run the projection under another group id (a rebuild) over the same topics.
  const topics = loadTopicSpecs().consumedBy(DECLARED_GROUP);
  const catalog = loadSchemaCatalog();
  const client = new MongoClient(config.mongodbUrl, { serverSelectionTimeoutMS: 3_000 });
  await client.connect();
  const projector = await createUserProjector({
    db: client.db(),
    kafka: createKafka({ brokers: config.kafkaBrokers, sasl: kafkaSasl(config), clientId: 'projector-mongo', logger }),
    registry: createSchemaRegistryClient({ url: config.registryUrl }),
    group: config.group,
    topics,
    deadLetterTopic: (topic) => deadLetterTopicName(topic, config.group),
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    logger,
    partitionsConsumedConcurrently: config.concurrency,
  });
  await projector.start();
  const health = createServiceApp({
    name: 'projector-mongo',
    logger,
    openapi: { openapi: '3.1.0', info: { title: 'Thalweg projector-mongo (health only)', version: '1.0.0' }, paths: {} },
    routes: () => {},
    readiness: [projectorReadiness(projector)],
  });
  const server = await listen(health, { host: config.host, port: config.port });
  logger.info('projecting', { topics, health: `http://${config.host}:${config.port}/readyz` });
  return {
    async stop() {
      await server.close();
      await projector.stop();
      await client.close();
    },
  };
});
