import type { TestContext } from 'node:test';
import { createPublisher } from '../events/index.ts';
import type { ProjectorOptions } from '../projection/index.ts';
import { createSchemaRegistryClient } from '../registry/index.ts';
import { loadSchemaCatalog } from '../schemas/index.ts';
import { deadLetterTopicName } from '../topics/index.ts';
import { onCleanup } from './cleanup.ts';
import { registerTestSchemas } from './registry-fixtures.ts';
import { createTestConsumerGroup, createTestTopic, testAdmin, testKafka, testStack } from './test-stack.ts';

/**
 * What a projector's integration test starts from: a topic and its dead letter topic, subjects for
 * the event types, a publisher onto the topic, and the projector options minus the store, all of
 * the test's own and removed at its end.
 */
export async function createProjectionFixture(t: TestContext, { prefix, eventTypes, partitions = 3 }: { prefix: string; eventTypes: string[]; partitions?: number }) {
  const catalog = loadSchemaCatalog();
  const kafka = testKafka();
  const admin = await testAdmin(t, kafka);
  const topic = await createTestTopic(t, admin, { prefix: `${prefix}-test`, partitions });
  const group = await createTestConsumerGroup(t, admin, { prefix: `${prefix}-projector`, topics: [topic] });
  const deadLetters = deadLetterTopicName(topic, group);
  await registerTestSchemas(t, topic, eventTypes.map((fullName) => ({ fullName, schema: catalog.get(fullName).schema })));
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: () => ({ name: topic }) }, source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());
  const projectorOptions = (overrides: Partial<Omit<ProjectorOptions, 'store'>> = {}): Omit<ProjectorOptions, 'store'> => {
    const projectorGroup = overrides.group ?? group;
    return {
      kafka,
      registry,
      group: projectorGroup,
      topics: [topic],
      deadLetterTopic: (source) => deadLetterTopicName(source, projectorGroup),
      readers: { find: (fullName) => catalog.get(fullName).schema },
      retry: { initial: 100, max: 1_000 },
      ...overrides,
    };
  };
  const deadLetterCount = async () => (await admin.fetchTopicOffsets(deadLetters)).reduce((sum, partition) => sum + Number(partition.high), 0);
  return { kafka, admin, topic, group, deadLetters, registry, publisher, projectorOptions, deadLetterCount };
}
