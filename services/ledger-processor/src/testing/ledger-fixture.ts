import type { TestContext } from 'node:test';
import type { Kafka } from 'kafkajs';
import { createPublisher, type PublishResult } from '@thalweg/platform/events';
import type { ProcessorOptions } from '@thalweg/platform/processor';
import { createSchemaRegistryClient, type SchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog, type CommandDecided } from '@thalweg/platform/schemas';
import { createTestTopic, onCleanup, registerTestSchemas, testAdmin, testKafka, testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { ledgerCommandTypes, type LedgerEvent } from '../ledger-commands.ts';
import { createLedgerProcessor } from '../ledger-processor.ts';

const eventTypes = ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited', 'thalweg.ledger.FundsDebited', 'thalweg.ledger.TransferRequested', 'thalweg.ledger.TransferSettled', 'thalweg.ledger.TransferRejected'];
const OUTCOME = 'thalweg.ledger.CommandDecided';

/**
 * Every record of a topic decoded as a read_committed consumer sees it, kept as it arrives, each
 * once: a reader that rejoins its group (a broker lost) is handed records again, which are the
 * same records, not more of them.
 */
export async function followTopic(t: TestContext, kafka: Kafka, registry: SchemaRegistryClient, topic: string) {
  const seen: Array<{ type: string; data: Record<string, unknown>; partition: number; offset: string }> = [];
  const positions = new Set<string>();
  const consumer = kafka.consumer({ groupId: uniqueName('ledger-reader'), allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
  onCleanup(t, () => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // Its own group, never resumed: committing each batch would hold every fetch for the commit.
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const position = `${partition}@${message.offset}`;
      if (positions.has(position)) return;
      positions.add(position);
      const { writerType, payload } = await registry.decode(message.value);
      seen.push({ type: writerType!, data: payload, partition, offset: message.offset });
    },
  });
  return seen;
}

/**
 * The ledger processor on topics of the test's own (commands, wallet events, outcomes, its
 * changelog and dead letters; on the stack's cluster unless another `kafka` is given) with the
 * repository's schemas registered under their subjects, a publisher of commands, and readers that
 * follow the events and the outcomes.
 */
export async function createLedgerFixture(t: TestContext, { partitions = 3, kafka = testKafka() }: { partitions?: number; kafka?: Kafka } = {}) {
  const catalog = loadSchemaCatalog();
  const admin = await testAdmin(t, kafka);
  const [commands, events, outcomes] = (await Promise.all(['ledger-commands', 'ledger-wallets', 'ledger-outcomes'].map((prefix) => createTestTopic(t, admin, { prefix, partitions })))) as [string, string, string];
  const group = uniqueName('ledger-processor');
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const changelog = await createTestTopic(t, admin, { name: `${commands}.${group}.changelog`, partitions, configs: { 'cleanup.policy': 'compact' } });
  const deadLetters = await createTestTopic(t, admin, { name: `${commands}.${group}.dlq`, partitions });
  const subjects = (topic: string, types: string[]) => registerTestSchemas(t, topic, types.map((fullName) => ({ fullName, schema: catalog.get(fullName).schema })));
  await Promise.all([subjects(commands, [...ledgerCommandTypes]), subjects(events, eventTypes), subjects(outcomes, [OUTCOME])]);
  const topicOf = (type: string) => ({ name: ledgerCommandTypes.has(type) ? commands : type === OUTCOME ? outcomes : events });
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: topicOf }, source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());

  const options = (overrides: Partial<ProcessorOptions> = {}): Omit<ProcessorOptions, 'handler'> => ({
    kafka,
    registry,
    schemas: catalog,
    outputs: { topicForEventType: topicOf },
    source: '/thalweg/ledger-processor',
    group,
    topics: [commands],
    changelogTopic: () => changelog,
    deadLetterTopic: () => deadLetters,
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    retry: { initial: 100, max: 1_000 },
    ...overrides,
  });
  const start = async (overrides: Partial<ProcessorOptions> = {}) => {
    const processor = createLedgerProcessor(options(overrides));
    onCleanup(t, () => processor.stop());
    await processor.start();
    return processor;
  };

  /** Publishes a command; answers its id and where it landed. */
  const send = async (type: string, subject: string, data: Record<string, unknown> & { commandId: string }): Promise<PublishResult & { commandId: string }> => ({
    commandId: data.commandId,
    ...(await publisher.publish({ type, subject, tenant: String(data.tenantId), data: { requestedAt: new Date(), ...data } })),
  });
  const commandsOf = {
    open: (walletId: string, { tenantId = 'acme', currency = 'EUR', commandId = crypto.randomUUID() } = {}) =>
      send('thalweg.ledger.OpenWallet', walletId, { commandId, walletId, ownerId: 'owner', tenantId, currency }),
    move: (direction: 'credit' | 'debit', walletId: string, amountMinor: number, { tenantId = 'acme', commandId = crypto.randomUUID(), currency = null as string | null } = {}) =>
      send(direction === 'credit' ? 'thalweg.ledger.CreditFunds' : 'thalweg.ledger.DebitFunds', walletId, { commandId, walletId, entryId: crypto.randomUUID(), tenantId, amountMinor, currency, reference: `${direction} ${amountMinor}` }),
    transfer: (sourceWalletId: string, destinationWalletId: string, amountMinor: number, { tenantId = 'acme', commandId = crypto.randomUUID() } = {}) =>
      send('thalweg.ledger.RequestTransfer', sourceWalletId, { commandId, transferId: crypto.randomUUID(), sourceWalletId, destinationWalletId, tenantId, amountMinor, currency: null, reference: 'transfer' }),
  };

  const outcomeList = await followTopic(t, kafka, registry, outcomes);
  const eventList = await followTopic(t, kafka, registry, events);
  /** The outcomes of the given command ids, once each has one. */
  // Two minutes: a processor just started on a loaded machine may still be starting its partitions.
  const outcomesOf = async (commandIds: string[], { timeout = 120_000 } = {}) => {
    const wanted = new Set(commandIds);
    await waitFor(() => new Set(outcomeList.filter((entry) => wanted.has(String(entry.data.commandId))).map((entry) => entry.data.commandId)).size === wanted.size, { timeout, description: `outcomes of ${wanted.size} commands` });
    return outcomeList.filter((entry) => wanted.has(String(entry.data.commandId))).map((entry) => entry.data as unknown as CommandDecided);
  };
  const ledgerEvents = () => eventList.map((entry) => ({ type: entry.type, data: entry.data }) as unknown as LedgerEvent);
  return { kafka, admin, commands, events, outcomes, group, changelog, deadLetters, registry, start, options, send, commandsOf, outcomesOf, outcomeList, ledgerEvents };
}
