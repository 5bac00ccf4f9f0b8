import { runService } from '@thalweg/platform/lifecycle';
import { processorServiceOptions, startProcessorService } from '@thalweg/platform/processor';
import { createLogger } from '@thalweg/platform/telemetry';
import { loadConfig } from './config.ts';
import { createLedgerProcessor } from './ledger-processor.ts';

const SERVICE = 'ledger-processor';
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, bindings: { service: SERVICE, group: config.group } });

await runService(SERVICE, logger, async () => {
  const options = processorServiceOptions({ service: SERVICE, declaredGroup: SERVICE, settings: config, logger });
  const processor = createLedgerProcessor({ ...options, sessionTimeout: config.sessionTimeout, heartbeatInterval: Math.min(3_000, config.sessionTimeout / 3) });
  return startProcessorService({ service: SERVICE, processor, logger, host: config.host, port: config.port });
});
