import pg from 'pg';
import { createServiceApp, listen } from '@thalweg/platform/http';
import { projectorReadiness } from '@thalweg/platform/projection';
import { createKafka, kafkaSasl } from '@thalweg/platform/kafka';
import { runService } from '@thalweg/platform/lifecycle';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createLogger } from '@thalweg/platform/telemetry';
import { deadLetterTopicName, loadTopicSpecs } from '@thalweg/platform/topics';
import { loadConfig } from './config.ts';
import { createLedgerProjector } from './ledger-projector.ts';

/** The consumer group the topic specs declare for this service. */
const DECLARED_GROUP = 'projector-postgres';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: 'projector-postgres', group: config.group } });

await runService('projector-postgres', logger, async () => {
  // The topic specs name this service's group; THALWEG_CONSUMER_GROUP may run it under another
  // group id (a second projection into another database, a rebuild) over the same topics.
  const topics = loadTopicSpecs().consumedBy(DECLARED_GROUP);
  const catalog = loadSchemaCatalog();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, connectionTimeoutMillis: 3_000 });
  pool.on('error', (error) => logger.warn('postgres pool error', { error }));
  const projector = await createLedgerProjector({
    kafka: createKafka({ brokers: config.kafkaBrokers, sasl: kafkaSasl(config), clientId: 'projector-postgres', logger }),
    registry: createSchemaRegistryClient({ url: config.registryUrl }),
    pool,
    group: config.group,
    topics,
    deadLetterTopic: (topic) => deadLetterTopicName(topic, config.group),
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    logger,
    partitionsConsumedConcurrently: config.concurrency,
  });
  await projector.start();
  const health = createServiceApp({
    name: 'projector-postgres',
    logger,
    openapi: { openapi: '3.1.0', info: { title: 'Thalweg projector-postgres (health only)', version: '1.0.0' }, paths: {} },
    routes: () => {},
    readiness: [projectorReadiness(projector)],
  });
  const server = await listen(health, { host: config.host, port: config.port });
  logger.info('projecting', { topics, health: `http://${config.host}:${config.port}/readyz` });
  return {
    async stop() {
      await server.close();
      await projector.stop();
      await pool.end();
    },
  };
});
