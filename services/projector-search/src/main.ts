import { runService } from '@thalweg/platform/lifecycle';
import { generationProjectorOptions, startProjectorService } from '@thalweg/platform/projection';
import { loadCollectionSchema } from '@thalweg/platform/search';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadConfig } from './config.ts';
import { openSearchGenerations } from './search-generations.ts';
import { ENTRIES, USERS } from './search-projection.ts';
import { createSearchProjector } from './search-projector.ts';

const SERVICE = 'projector-search';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group, backend: config.searchBackend } });

await runService(SERVICE, logger, async () => {
  const schemas = [USERS, ENTRIES].map((name) => loadCollectionSchema(name));
  // Each generation keeps its offsets beside its collections (docs/search.md).
  const generations = openSearchGenerations(config, schemas, logger);
  await generations.init();
  const projector = generations.supervise(async ({ index, offsets }, generation, role) =>
    createSearchProjector({ ...generationProjectorOptions({ service: SERVICE, settings: config, generation, role, logger }), index, offsets }),
  );
  return startProjectorService({
    service: SERVICE,
    projector,
    logger,
    host: config.host,
    port: config.port,
    readiness: [{ name: 'search index', check: () => generations.ready() }],
    closeStore: () => generations.close(),
  });
});
