/**
 * make bench: the ledger processor, in a process of its own as deployed (processor-worker.ts).
 * Throughput: commands already on the log, decided from a cold start (each batch decided,
 * produced, written to the changelog and its offsets sent in one Kafka transaction). Latency:
 * commands published one by one at a fixed rate, from the publish to the outcome read back by a
 * read_committed consumer. Each round has its own topics, subjects and group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, totalmem } from 'node:os';
import { createPublisher, type DomainEvent } from '@thalweg/platform/events';
import { createKafka } from '@thalweg/platform/kafka';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { ledgerCommandTypes } from '../services/ledger-processor/src/ledger-commands.ts';
import { benchChangelogTopic, benchDeadLetterTopic, benchTopicOf, OUTCOME_TYPE, type BenchProcessorTopics, type WorkerMessage } from './processor-topics.ts';
import { registerSubjects } from './register-subjects.ts';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 200); // commands/s
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 15);
// At the same rate before the clock starts: the processor's process has just started, its code
// not yet compiled by V8.
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const PARTITIONS = 6;
const MAX_PER_TRANSACTION = 500; // the processor runtime's default maxRecordsPerTransaction
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
async function ledgerTopics(): Promise<{ topics: BenchProcessorTopics; publisher: ReturnType<typeof createPublisher> }> {
  const [commands, events, outcomes] = [uniqueName('bench-commands'), uniqueName('bench-wallets'), uniqueName('bench-outcomes')];
  const topics: BenchProcessorTopics = { commands, events, outcomes, group: uniqueName('bench-ledger-processor') };
  const { group } = topics;
  for (const name of [commands, events, outcomes, benchDeadLetterTopic(topics)]) await topic(name);
  await topic(benchChangelogTopic(topics), { 'cleanup.policy': 'compact' });
  cleanups.push(() => admin.deleteGroups([group]).catch(() => {}));
  for (const [name, types] of [[commands, [...ledgerCommandTypes]], [events, EVENT_TYPES], [outcomes, [OUTCOME_TYPE]]] as const) {
    for (const subject of await registerSubjects(name, [...types])) cleanups.push(() => deleteSubject(testStack.registryUrl, subject));
  }
  const publisher = createPublisher({ kafka, registry, schemas: catalog, topics: { topicForEventType: benchTopicOf(topics) }, source: '/thalweg/bench' });
  cleanups.push(() => publisher.disconnect());
  return { topics, publisher };
}

/** The processor of these topics started in its own process; what it says, as it says it. */
function startProcessor(topics: BenchProcessorTopics) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/processor-worker.ts'], {
    env: { ...process.env, BENCH_PROCESSOR: JSON.stringify(topics) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const said = new Set<WorkerMessage['kind']>();
  const batches: Array<Extract<WorkerMessage, { kind: 'batch' }>> = [];
  child.on('message', (message: WorkerMessage) => {
    said.add(message.kind);
    if (message.kind === 'batch') batches.push(message);
  });
  const until = (kind: WorkerMessage['kind'], timeout = 120_000) =>
    waitFor(() => said.has(kind) || child.exitCode !== null, { timeout, interval: 5, description: `the processor ${kind}` }).then(() => {
      if (!said.has(kind)) throw new Error(`the processor exited (${child.exitCode}) before it was ${kind}`);
    });
  return {
    until,
    decided: () => batches.reduce((sum, batch) => sum + batch.decided, 0),
    transactionsMs: () => batches.flatMap((batch) => batch.transactionsMs),
    async stop() {
      child.send({ kind: 'stop' });
      await until('stopped', 60_000);
    },
  };
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
  const { topics, publisher } = await ledgerTopics();
  const commands = ledgerCommands(COMMANDS);
  for (let at = 0; at < commands.length; at += 500) await publisher.publishBatch(commands.slice(at, at + 500));
  const processor = startProcessor(topics);
  // From the processor started (connected, in its group), as before it shared this process.
  await processor.until('started');
  const started = performance.now();
  await waitFor(() => processor.decided() >= COMMANDS, { timeout: 600_000, interval: 20, description: `${COMMANDS} commands decided` });
  const seconds = (performance.now() - started) / 1000;
  await processor.stop();
  const transactions = processor.transactionsMs().length;
  return { perSecond: COMMANDS / seconds, transactions, meanBatch: COMMANDS / transactions };
}

async function latencyRound() {
  const { topics, publisher } = await ledgerTopics();
  const { outcomes } = topics;
  const processor = startProcessor(topics);
  // Measured from where a deployment starts taking traffic: every partition's state restored (the
  // restore has a metric and a benchmark of its own).
  await processor.until('active');
  const wallets = Array.from({ length: 24 }, () => crypto.randomUUID());
  for (const walletId of wallets) {
    await publisher.publish({ type: 'thalweg.ledger.OpenWallet', subject: walletId, tenant: 'bench', data: { commandId: crypto.randomUUID(), walletId, ownerId: 'o', tenantId: 'bench', currency: 'EUR', requestedAt: new Date() } });
  }
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // Where the time goes: the outcome's CreateTime is when the processor wrote it, inside the
  // transaction; before it, the publish and the processor's fetch; after it, the rest of the
  // transaction, the commit markers and the reader's fetch.
  const untilWritten: number[] = [];
  const afterWritten: number[] = [];
  const epochNow = () => performance.timeOrigin + performance.now();
  const reader = kafka.consumer({ groupId: uniqueName('bench-outcome-reader'), maxWaitTimeInMs: 50 });
  cleanups.push(() => reader.disconnect());
  // The reader is in its group before the clock starts: no outcome waits for a join.
  const joined = new Promise((resolve) => reader.on(reader.events.GROUP_JOIN, resolve));
  await reader.connect();
  await reader.subscribe({ topic: outcomes, fromBeginning: true });
  // Its own group, never resumed, and no commit on the path: Kafka 4's group coordinator lingers
  // each commit for 5 ms, which a reader committing every batch pays on every fetch
  // (offset-committer.ts; command-api's outcome recorder commits off its path).
  await reader.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const { payload } = await registry.decode(message.value);
      const started = sentAt.get(String(payload.commandId));
      if (started === undefined) return;
      const readAt = epochNow();
      latencies.push(readAt - started);
      untilWritten.push(Number(message.timestamp) - started);
      afterWritten.push(readAt - Number(message.timestamp));
    },
  });
  await joined;
  const total = RATE * LATENCY_SECONDS;
  const warmup = RATE * WARMUP_SECONDS;
  let transactionsBefore = 0;
  const start = performance.now();
  const pending: Array<Promise<unknown>> = [];
  for (let index = 0; index < warmup + total; index += 1) {
    const due = start + (index * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const walletId = wallets[index % wallets.length]!;
    const commandId = crypto.randomUUID();
    if (index === warmup) transactionsBefore = processor.transactionsMs().length;
    if (index >= warmup) sentAt.set(commandId, epochNow());
    pending.push(publisher.publish({ type: 'thalweg.ledger.CreditFunds', subject: walletId, tenant: 'bench', data: { commandId, walletId, entryId: commandId, tenantId: 'bench', amountMinor: 1, currency: null, reference: `l${index}`, requestedAt: new Date() } }));
  }
  await Promise.all(pending);
  await waitFor(() => latencies.length >= total, { timeout: 120_000, description: `${total} outcomes` });
  await processor.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const transactions = processor.transactionsMs().slice(transactionsBefore).sort((a, b) => a - b);
  const spread = (values: number[]) => {
    const ordered = [...values].sort((a, b) => a - b);
    return { p50: percentile(ordered, 50), p99: percentile(ordered, 99) };
  };
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
    untilWritten: spread(untilWritten),
    afterWritten: spread(afterWritten),
    transactions: { count: transactions.length, p50: percentile(transactions, 50), p99: percentile(transactions, 99) },
  };
}

async function main() {
  await admin.connect();
  try {
    console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`Ledger processor (a process of its own): ${COMMANDS} commands (1 % OpenWallet, 99 % CreditFunds) already on ${PARTITIONS} partitions, decided from a cold start; median of ${ROUNDS} rounds`);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round += 1) rounds.push(await throughputRound());
    console.log(`  commands/s: ${Math.round(median(rounds.map((round) => round.perSecond)))} (rounds: ${rounds.map((round) => Math.round(round.perSecond)).join(', ')})`);
    console.log(`  commands per transaction: mean ${Math.round(median(rounds.map((round) => round.meanBatch)))}, at most ${MAX_PER_TRANSACTION} (transactions per round: ${rounds.map((round) => round.transactions).join(', ')})`);
    console.log(`Command -> outcome latency: ${RATE} commands/s for ${LATENCY_SECONDS} s after ${WARMUP_SECONDS} s of warm-up, over 24 wallets, published one by one, from the publish call to the outcome read by a read_committed consumer`);
    const latency = await latencyRound();
    const total = RATE * LATENCY_SECONDS;
    console.log(`  p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`);
    console.log(`  publish -> outcome written (its CreateTime) p50 ${latency.untilWritten.p50.toFixed(1)} ms, p99 ${latency.untilWritten.p99.toFixed(1)} ms; written -> read p50 ${latency.afterWritten.p50.toFixed(1)} ms, p99 ${latency.afterWritten.p99.toFixed(1)} ms`);
    const { transactions } = latency;
    console.log(`  ${transactions.count} transactions (${(total / transactions.count).toFixed(1)} commands each), from begin to commit p50 ${transactions.p50.toFixed(1)} ms, p99 ${transactions.p99.toFixed(1)} ms`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await admin.disconnect();
  }
}

await main();
