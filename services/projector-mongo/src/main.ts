import { MongoClient } from 'mongodb';
import { runService } from '@thalweg/platform/lifecycle';
import { createMongoGenerations, generationProjectorOptions, startProjectorService, superviseGenerations } from '@thalweg/platform/projection';
import { createLogger } from '@thalweg/platform/telemetry';
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
  const projector = superviseGenerations({
    generations,
    logger,
    projectorFor: async (generation, role) =>
      createUserProjector({ ...generationProjectorOptions({ service: SERVICE, settings: config, generation, role, logger }), db: client.db(generation.database) }),
  });
  return startProjectorService({ service: SERVICE, projector, logger, host: config.host, port: config.port, closeStore: () => client.close() });
});
