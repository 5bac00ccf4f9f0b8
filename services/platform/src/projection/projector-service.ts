import { createServiceApp, listen, type ReadinessCheck } from '../http/index.ts';
import { createKafka, kafkaSasl, type SaslMechanismName } from '../kafka/index.ts';
import { createSchemaRegistryClient } from '../registry/index.ts';
import { loadSchemaCatalog } from '../schemas/index.ts';
import type { Logger } from '../telemetry/index.ts';
import { loadTopicSpecs } from '../topics/index.ts';
import { deadLetterTopicOf, withRetryTopics } from '../topics/retry-topics.ts';
import type { ProjectorOptions } from './consumer-runtime.ts';
import type { GenerationRole, RunningProjector, SupervisedGeneration } from './generation-supervisor.ts';
import { projectorReadiness } from './projector-readiness.ts';

/** The settings every projector service reads (kafkaSettings plus its group and concurrency). */
export interface ProjectorServiceSettings {
  kafkaBrokers: string[];
  kafkaUsername: string;
  kafkaPassword: string;
  kafkaSaslMechanism?: SaslMechanismName;
  registryUrl: string;
  group: string;
  concurrency: number;
}

/**
 * The topics a projector reads: those whose spec lists its declared group, and, when it runs as
 * that group, the group's retry topic of each, where `thalweg dlq replay` sends the dead letters
 * it asks again. A group running under another id (a rebuild) reads the topics only: it re-reads
 * every event from offset 0, and the replays of the live group are not its own.
 */
export function projectorTopics(topics: string[], declaredGroup: string, group: string): string[] {
  return group === declaredGroup ? withRetryTopics(topics, group) : topics;
}

/**
 * What every projector service wires the same way: the topics whose spec lists its declared group
 * (THALWEG_CONSUMER_GROUP may run it under another group id, for a rebuild, over the same topics)
 * with its retry topics, its own Kafka principal, the registry, dead letter topics per group (a
 * replay that fails again goes to the dead letter topic it came from), and the repository's
 * schemas as reader schemas. The service adds its store.
 */
export function projectorServiceOptions({ service, declaredGroup, settings, logger }: { service: string; declaredGroup: string; settings: ProjectorServiceSettings; logger: Logger }): Omit<ProjectorOptions, 'store'> {
  const catalog = loadSchemaCatalog();
  return {
    kafka: createKafka({ brokers: settings.kafkaBrokers, sasl: kafkaSasl(settings), clientId: service, logger }),
    registry: createSchemaRegistryClient({ url: settings.registryUrl }),
    group: settings.group,
    topics: projectorTopics(loadTopicSpecs().consumedBy(declaredGroup), declaredGroup, settings.group),
    deadLetterTopic: (topic) => deadLetterTopicOf(topic, settings.group),
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    logger,
    partitionsConsumedConcurrently: settings.concurrency,
  };
}

/**
 * The options of one generation's projector in a service that runs its projection's generations
 * (superviseGenerations): the generation's own consumer group; the topics only while it is being
 * built (it re-reads every event from offset 0), the retry topics too once it is live; dead letters
 * to the service group's dead letter topics, whichever generation wrote them (their group header
 * says which).
 */
export function generationProjectorOptions({
  service,
  settings,
  generation,
  role,
  logger,
}: {
  service: string;
  settings: ProjectorServiceSettings;
  generation: SupervisedGeneration;
  role: GenerationRole;
  logger: Logger;
}): Omit<ProjectorOptions, 'store'> {
  const options = projectorServiceOptions({ service, declaredGroup: service, settings: { ...settings, group: generation.group }, logger: logger.child({ generation: generation.generation, role }) });
  const topics = loadTopicSpecs().consumedBy(service);
  return {
    ...options,
    topics: role === 'live' ? projectorTopics(topics, service, settings.group) : topics,
    deadLetterTopic: (topic) => deadLetterTopicOf(topic, settings.group),
  };
}

/**
 * Starts a projector service: the consumer, then its HTTP side (/healthz, and /readyz from the
 * consumer plus the service's own checks). `stop` closes them in reverse, then the store.
 */
export async function startProjectorService({
  service,
  projector,
  logger,
  host,
  port,
  readiness = [],
  closeStore,
}: {
  service: string;
  /** A projector, or the generations of a projection (superviseGenerations). */
  projector: RunningProjector;
  logger: Logger;
  host: string;
  port: number;
  readiness?: ReadinessCheck[];
  closeStore: () => Promise<void>;
}): Promise<{ stop(): Promise<void> }> {
  await projector.start();
  const app = createServiceApp({
    name: service,
    logger,
    openapi: { openapi: '3.1.0', info: { title: `Thalweg ${service} (health only)`, version: '1.0.0' }, paths: {} },
    routes: () => {},
    readiness: [...readiness, projectorReadiness(projector)],
  });
  const server = await listen(app, { host, port });
  logger.info('projecting', { health: `http://${host}:${port}/readyz` });
  return {
    async stop() {
      await server.close();
      await projector.stop();
      await closeStore();
    },
  };
}
