/**
 * make bench: the ledger processor. Throughput: commands already on the log, decided from a cold
 * start (each batch decided, produced, written to the changelog and its offsets sent in one Kafka
 * transaction). Latency: commands published one by one at a fixed rate, from the publish to the
 * outcome read back by a read_committed consumer. Each round has its own topics, subjects and group.
 */
import { cpus, totalmem } from 'node:os';
import { createPublisher, type DomainEvent } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import { processorBatchChannel, processorReadiness, type ProcessorBatchReport } from '@thalweg/platform/processor';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createLogger } from '@thalweg/platform/telemetry';
import { testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { createLedgerProcessor } from '../services/ledger-processor/src/ledger-processor.ts';
import { ledgerCommandTypes } from '../services/ledger-processor/src/ledger-commands.ts';
import { registerSubjects } from './register-subjects.ts';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 200); // commands/s
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 15);
const PARTITIONS = 6;
const MAX_PER_TRANSACTION = 500; // the processor runtime's default maxRecordsPerTransaction
const OUTCOME = 'thalweg.ledger.CommandDecided';
const EVENT_TYPES = ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited', 'thalweg.ledger.FundsDebited', 'thalweg.ledger.TransferRequested', 'thalweg.ledger.TransferSettled', 'thalweg.ledger.TransferRejected'];

const catalog = loadSchemaCatalog();
const kafka = createKafka({ brokers: testStack.brokers, clientId: 'bench-processor', ...(testStack.kafkaSasl ? { sasl: testStack.kafkaSasl } : {}) });
const admin = kafka.admin();
const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
const cleanups: Array<() => Promise<unknown>> = [];

async function topic(name: string, configs: Record<string, string> = {}): Promise<string> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: PARTITIONS, replicationFactor: -1, configEntries: Object.entries(configs).map(([key, value]) => ({ name: key, value })) }] });
  cleanups.push(() => admin.deleteTopics({ topics: [name] }));
  return name;
}

/** One processor's topics, subjects and group, and a publisher of commands onto them. */
async function ledgerTopics() {
  const [commands, events, outcomes] = [uniqueName('bench-commands'), uniqueName('bench-wallets'), uniqueName('bench-outcomes')];
  const group = uniqueName('bench-ledger-processor');
  for (const name of [commands, events, outcomes, `${commands}.${group}.dlq`]) await topic(name);
  await topic(`${commands}.${group}.changelog`, { 'cleanup.policy': 'compact' });
  cleanups.push(() => admin.deleteGroups([group]).catch(() => {}));
  for (const [name, types] of [[commands, [...ledgerCommandTypes]], [events, EVENT_TYPES], [outcomes, [OUTCOME]]] as const) {
    for (const subject of await registerSubjects(name, [...types])) cleanups.push(() => deleteSubject(testStack.registryUrl, subject));
  }
  const topicOf = (type: string) => ({ name: ledgerCommandTypes.has(type) ? commands : type === OUTCOME ? outcomes : events });
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: topicOf }, source: '/thalweg/bench' });
  cleanups.push(() => publisher.disconnect());
  const processor = createLedgerProcessor({
    kafka,
    registry,
    schemas: catalog,
    outputs: { topicForEventType: topicOf },
    source: '/thalweg/ledger-processor',
    group,
    topics: [commands],
    changelogTopic: () => `${commands}.${group}.changelog`,
    deadLetterTopic: () => `${commands}.${group}.dlq`,
    readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
    // Failures and retries are worth seeing in a benchmark's output.
    logger: createLogger({ level: 'warn', bindings: { service: 'bench-processor' } }),
  });
  cleanups.push(() => processor.stop());
  return { outcomes, publisher, processor };
}

/** 1 wallet opened per 100 commands, the rest credits of it. */
function ledgerCommands(count: number): DomainEvent[] {
  const wallets = Array.from({ length: Math.max(1, Math.ceil(count / 100)) }, () => crypto.randomUUID());
  const requestedAt = new Date();
  return Array.from({ length: count }, (_, index) => {
    const walletId = wallets[Math.floor(index / 100)]!;
    const commandId = crypto.randomUUID();
    if (index % 100 === 0) return { type: 'thalweg.ledger.OpenWallet', subject: walletId, tenant: 'bench', data: { commandId, walletId, ownerId: 'o', tenantId: 'bench', currency: 'EUR', requestedAt } };
    return { type: 'thalweg.ledger.CreditFunds', subject: walletId, tenant: 'bench', data: { commandId, walletId, entryId: commandId, tenantId: 'bench', amountMinor: 100, currency: null, reference: `r${index}`, requestedAt } };
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

async function throughputRound() {
  const { publisher, processor } = await ledgerTopics();
  const commands = ledgerCommands(COMMANDS);
  for (let at = 0; at < commands.length; at += 500) await publisher.publishBatch(commands.slice(at, at + 500));
  const reports: ProcessorBatchReport[] = [];
  const listen = (report: unknown) => void reports.push(report as ProcessorBatchReport);
  processorBatchChannel.subscribe(listen);
  await processor.start();
  const started = performance.now();
  const decided = () => reports.reduce((sum, report) => sum + report.decided, 0);
  await waitFor(() => decided() >= COMMANDS, { timeout: 600_000, interval: 20, description: `${COMMANDS} commands decided` });
  const seconds = (performance.now() - started) / 1000;
  processorBatchChannel.unsubscribe(listen);
  await processor.stop();
  const transactions = reports.reduce((sum, report) => sum + report.transactionsMs.length, 0);
  return { perSecond: COMMANDS / seconds, transactions, meanBatch: COMMANDS / transactions };
}

async function latencyRound() {
  const { outcomes, publisher, processor } = await ledgerTopics();
  await processor.start();
  // Measured from where a deployment starts taking traffic: every partition's state restored (the
  // restore has a metric and a benchmark of its own).
  const readiness = processorReadiness(processor);
  await waitFor(async () => readiness.check().then(() => true, () => false), { timeout: 120_000, interval: 50, description: 'every partition active' });
  const wallets = Array.from({ length: 24 }, () => crypto.randomUUID());
  for (const walletId of wallets) {
    await publisher.publish({ type: 'thalweg.ledger.OpenWallet', subject: walletId, tenant: 'bench', data: { commandId: crypto.randomUUID(), walletId, ownerId: 'o', tenantId: 'bench', currency: 'EUR', requestedAt: new Date() } });
  }
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('bench-outcome-reader'), maxWaitTimeInMs: 50 });
  cleanups.push(() => reader.disconnect());
  // The reader is in its group before the clock starts: no outcome waits for a join.
  const joined = new Promise((resolve) => reader.on(reader.events.GROUP_JOIN, resolve));
  await reader.connect();
  await reader.subscribe({ topic: outcomes, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const { payload } = await registry.decode(message.value);
      const started = sentAt.get(String(payload.commandId));
      if (started !== undefined) latencies.push(performance.now() - started);
    },
  });
  await joined;
  const transactionsMs: number[] = [];
  const listen = (report: unknown) => void transactionsMs.push(...(report as ProcessorBatchReport).transactionsMs);
  processorBatchChannel.subscribe(listen);
  const total = RATE * LATENCY_SECONDS;
  const start = performance.now();
  const pending: Array<Promise<unknown>> = [];
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const walletId = wallets[index % wallets.length]!;
    const commandId = crypto.randomUUID();
    sentAt.set(commandId, performance.now());
    pending.push(publisher.publish({ type: 'thalweg.ledger.CreditFunds', subject: walletId, tenant: 'bench', data: { commandId, walletId, entryId: commandId, tenantId: 'bench', amountMinor: 1, currency: null, reference: `l${index}`, requestedAt: new Date() } }));
  }
  await Promise.all(pending);
  await waitFor(() => latencies.length >= total, { timeout: 120_000, description: `${total} outcomes` });
  processorBatchChannel.unsubscribe(listen);
  await processor.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const transactions = [...transactionsMs].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
    transactions: { count: transactions.length, p50: percentile(transactions, 50), p99: percentile(transactions, 99) },
  };
}

async function main() {
  await admin.connect();
  try {
    console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`Ledger processor: ${COMMANDS} commands (1 % OpenWallet, 99 % CreditFunds) already on ${PARTITIONS} partitions, decided from a cold start; median of ${ROUNDS} rounds`);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round += 1) rounds.push(await throughputRound());
    console.log(`  commands/s: ${Math.round(median(rounds.map((round) => round.perSecond)))} (rounds: ${rounds.map((round) => Math.round(round.perSecond)).join(', ')})`);
    console.log(`  commands per transaction: mean ${Math.round(median(rounds.map((round) => round.meanBatch)))}, at most ${MAX_PER_TRANSACTION} (transactions per round: ${rounds.map((round) => round.transactions).join(', ')})`);
    console.log(`Command -> outcome latency: ${RATE} commands/s for ${LATENCY_SECONDS} s over 24 wallets, published one by one, from the publish call to the outcome read by a read_committed consumer`);
    const latency = await latencyRound();
    const total = RATE * LATENCY_SECONDS;
    console.log(`  p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`);
    const { transactions } = latency;
    console.log(`  ${transactions.count} transactions (${(total / transactions.count).toFixed(1)} commands each), from begin to commit p50 ${transactions.p50.toFixed(1)} ms, p99 ${transactions.p99.toFixed(1)} ms`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await admin.disconnect();
  }
}

await main();
