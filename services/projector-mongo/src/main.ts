import { MongoClient } from 'mongodb';
import { runService } from '@thalweg/platform/lifecycle';
import { projectorServiceOptions, startProjectorService } from '@thalweg/platform/projection';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadConfig } from './config.ts';
import { createUserProjector } from './user-projector.ts';

const SERVICE = 'projector-mongo';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group } });

await runService(SERVICE, logger, async () => {
  const client = new MongoClient(config.mongodbUrl, { serverSelectionTimeoutMS: 3_000 });
  await client.connect();
  const options = projectorServiceOptions({ service: SERVICE, declaredGroup: SERVICE, settings: config, logger });
  const projector = await createUserProjector({ ...options, db: client.db() });
  return startProjectorService({ service: SERVICE, projector, logger, host: config.host, port: config.port, closeStore: () => client.close() });
});
