import { MongoClient } from 'mongodb';
import { runService } from '@thalweg/platform/lifecycle';
import { createMongoGenerations, projectorServiceOptions, projectorTopics, startProjectorService, superviseGenerations } from '@thalweg/platform/projection';
import { createLogger } from '@thalweg/platform/telemetry';
import { deadLetterTopicOf, loadTopicSpecs } from '@thalweg/platform/topics';
import { loadConfig } from './config.ts';
import { createUserProjector } from './user-projector.ts';

const SERVICE = 'projector-mongo';
/** The operator's name for the projection (projection catalogue). */
const PROJECTION = 'identity';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group } });

await runService(SERVICE, logger, async () => {
  const client = new MongoClient(config.mongodbUrl, { serverSelectionTimeoutMS: 3_000 });
  await client.connect();
  const generations = createMongoGenerations({ client, database: client.db().databaseName, projection: PROJECTION, declaredGroup: config.group });
  await generations.init();
  const topics = loadTopicSpecs().consumedBy(SERVICE);
  const projector = superviseGenerations({
    generations,
    logger,
    projectorFor: (generation, role) => {
      const options = projectorServiceOptions({ service: SERVICE, declaredGroup: SERVICE, settings: { ...config, group: generation.group }, logger: logger.child({ generation: generation.generation, role }) });
      // As projector-postgres does: a generation being built reads the topics only, the live one
      // its retry topics too, and dead letters go to the group's dead letter topics.
      return createUserProjector({
        ...options,
        topics: role === 'live' ? projectorTopics(topics, SERVICE, config.group) : topics,
        deadLetterTopic: (topic) => deadLetterTopicOf(topic, config.group),
        db: client.db(generation.database),
      });
    },
  });
  return startProjectorService({ service: SERVICE, projector, logger, host: config.host, port: config.port, closeStore: () => client.close() });
});
