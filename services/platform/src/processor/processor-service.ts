import { createServiceApp, listen, type ReadinessCheck } from '../http/index.ts';
import { createKafka, kafkaSasl } from '../kafka/index.ts';
import type { ProjectorServiceSettings } from '../projection/index.ts';
import { createSchemaRegistryClient } from '../registry/index.ts';
import { loadSchemaCatalog } from '../schemas/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { changelogTopicName, deadLetterTopicName, loadTopicSpecs } from '../topics/index.ts';
import { processorReadiness } from './processor-readiness.ts';
import type { Processor, ProcessorOptions } from './processor-runtime.ts';

/**
 * What every processor service wires the same way: the topics whose spec lists its declared group
 * as stateful, its own Kafka principal, the registry, the schemas (reader schemas for its inputs,
 * writer schemas for its outputs), the topic of each output from the specs, and the changelog and
 * dead letter topic of its group on each input. The service adds its handler.
 */
export function processorServiceOptions({ service, declaredGroup, settings, logger }: { service: string; declaredGroup: string; settings: ProjectorServiceSettings; logger: Logger }): Omit<ProcessorOptions, 'handler'> {
  const catalog = loadSchemaCatalog();
  const specs = loadTopicSpecs();
  const { group } = settings;
  return {
    kafka: createKafka({ brokers: settings.kafkaBrokers, sasl: kafkaSasl(settings), clientId: service, logger }),
    registry: createSchemaRegistryClient({ url: settings.registryUrl }),
    schemas: catalog,
    outputs: specs,
    source: `/thalweg/${service}`,
    group,
    topics: specs.consumedBy(declaredGroup),
    changelogTopic: (topic) => changelogTopicName(topic, group),
    deadLetterTopic: (topic) => deadLetterTopicName(topic, group),
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    logger,
    partitionsConsumedConcurrently: settings.concurrency,
  };
}

/**
 * Starts a processor service: its HTTP side first (/healthz at once; /readyz green only once every
 * assigned partition has its state restored and is deciding, which can wait for the group to
 * rebalance after a crash), then the processor. `stop` closes them in reverse.
 */
export async function startProcessorService({ service, processor, logger, host, port, readiness = [] }: { service: string; processor: Processor; logger: Logger; host: string; port: number; readiness?: ReadinessCheck[] }): Promise<{ stop(): Promise<void> }> {
  const app = createServiceApp({
    name: service,
    logger,
    openapi: { openapi: '3.1.0', info: { title: `Thalweg ${service} (health only)`, version: '1.0.0' }, paths: {} },
    routes: () => {},
    readiness: [...readiness, processorReadiness(processor)],
  });
  const server = await listen(app, { host, port });
  await processor.start();
  logger.info('deciding', { health: `http://${host}:${port}/readyz` });
  return {
    async stop() {
      await server.close();
      await processor.stop();
    },
  };
}
