/**
 * make bench: rebuilding the ledger projection from offset 0. The events are produced once per
 * invocation, pre-encoded and sent with a raw producer, onto one topic that every round reads
 * again under a consumer group and into a database of its own: set-based (the projector as it
 * runs) over the whole topic, then event by event (the store without its set-based form) over a
 * prefix, to compare. Topics, subjects and databases are removed afterwards.
 */
import { cpus, totalmem } from 'node:os';
import diagnostics from 'node:diagnostics_channel';
import type { Message } from 'kafkajs';
import { createKafka } from '@thalweg/platform/kafka';
import { createPostgresStore, createProjector, projectionBatchChannel, type ProjectionBatchReport, type ProjectionStore } from '@thalweg/platform/projection';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { deleteSubject, loadSchemaCatalog } from '@thalweg/platform/schemas';
import { testStack, uniqueName, waitFor } from '@thalweg/platform/testing';
import { deadLetterTopicName } from '@thalweg/platform/topics';
import { createLedgerProjector } from '../services/projector-postgres/src/ledger-projector.ts';
import { ledgerProjection } from '../services/projector-postgres/src/ledger-projection.ts';
import { ledgerTablesDdl } from '../services/projector-postgres/src/ledger-tables.ts';
import { createBenchDatabase } from './bench-database.ts';
import { registerSubjects } from './register-subjects.ts';

const EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 500_000);
const PER_EVENT_EVENTS = Math.min(EVENTS, Number(process.env.BENCH_PER_EVENT_EVENTS ?? 30_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 6;
/** Partitions one projector instance applies at once: projector-postgres's THALWEG_PARTITIONS_CONCURRENCY default. */
const CONCURRENCY = Number(process.env.BENCH_PARTITIONS_CONCURRENCY ?? 6);
const SEND_CHUNK = 5_000; // messages per sendBatch: about 300 KB a partition, under Kafka's 1 MB
const TYPES = ['thalweg.ledger.WalletOpened', 'thalweg.ledger.FundsCredited', 'thalweg.ledger.FundsDebited'];
const catalog = loadSchemaCatalog();
const kafka = createKafka({ brokers: testStack.brokers, clientId: 'bench', ...(testStack.kafkaSasl ? { sasl: testStack.kafkaSasl } : {}) });
const admin = kafka.admin();
const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Wallets in blocks of 100, their events interleaved, so a partition batch holds many wallets with
 * several events each: per wallet one opening, then credits of 100 and, every fourth event, a
 * debit of 40 (funds always suffice). 1 % WalletOpened, 74 % FundsCredited, 25 % FundsDebited.
 */
function* ledgerEvents(count: number): Generator<{ type: string; walletId: string; data: Record<string, unknown> }> {
  const at = new Date();
  const perWallet = 100;
  const block = 100;
  let emitted = 0;
  while (emitted < count) {
    const wallets = Array.from({ length: block }, () => crypto.randomUUID());
    for (let step = 0; step < perWallet; step += 1) {
      for (const walletId of wallets) {
        if (emitted === count) return;
        emitted += 1;
        if (step === 0) yield { type: TYPES[0]!, walletId, data: { walletId, ownerId: 'o', tenantId: 'bench', currency: 'EUR', openedAt: at } };
        else {
          const debit = step % 4 === 0;
          const data = { walletId, entryId: crypto.randomUUID(), tenantId: 'bench', amountMinor: debit ? 40 : 100, currency: 'EUR', reference: `r${emitted}`, transferId: null };
          yield debit ? { type: TYPES[2]!, walletId, data: { ...data, debitedAt: at } } : { type: TYPES[1]!, walletId, data: { ...data, creditedAt: at } };
        }
      }
    }
  }
}

/** The topic with every event on it, written once: values Avro-encoded beforehand, headers as the SDK sets them. */
async function produce(topic: string) {
  const ids = new Map<string, number>();
  for (const type of TYPES) ids.set(type, await registry.idFor(`${topic}-${type}`, catalog.get(type).schema));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  const time = new Date().toISOString();
  let chunk: Message[] = [];
  const send = async () => {
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: chunk }] });
    chunk = [];
  };
  for (const { type, walletId, data } of ledgerEvents(EVENTS)) {
    chunk.push({
      key: walletId,
      value: registry.encode(ids.get(type)!, catalog.get(type).type, data),
      headers: { ce_specversion: '1.0', ce_id: crypto.randomUUID(), ce_type: type, ce_source: '/thalweg/bench', ce_time: time, ce_subject: walletId, 'content-type': 'application/avro', thalweg_tenant: 'bench' },
    });
    if (chunk.length === SEND_CHUNK) await send();
  }
  if (chunk.length > 0) await send();
  await producer.disconnect();
  return (performance.now() - started) / 1_000;
}

/** Events/s from the projector's start until its batch reports account for `total` events. */
async function rebuild(source: string, mode: 'set-based' | 'per-event', total: number) {
  const group = uniqueName(`bench-rebuild-${mode}`);
  const deadLetters = deadLetterTopicName(source, group);
  // No wait for its leaders: nothing is dead-lettered unless the run goes wrong.
  await admin.createTopics({ topics: [{ topic: deadLetters, numPartitions: PARTITIONS, replicationFactor: -1 }] });
  const { pool, drop } = await createBenchDatabase();
  let done = 0;
  let deadLettered = 0;
  const batches: Array<{ events: number; ms: number }> = [];
  const count = (message: unknown) => {
    const report = message as ProjectionBatchReport;
    if (report.group !== group || report.failed) return;
    done += report.applied + report.deadLettered;
    deadLettered += report.deadLettered;
    batches.push({ events: report.applied + report.deadLettered, ms: report.durationMs });
  };
  diagnostics.subscribe(projectionBatchChannel.name, count);
  const options = { kafka, registry, group, topics: [source], deadLetterTopic: () => deadLetters, partitionsConsumedConcurrently: CONCURRENCY };
  let projector: { start(): Promise<void>; stop(): Promise<void> } | undefined;
  try {
    let storeMs = 0;
    const timed = (store: ProjectionStore): ProjectionStore => ({
      ...store,
      async apply(batch) {
        const started = performance.now();
        try {
          return await store.apply(batch);
        } finally {
          storeMs += performance.now() - started;
        }
      },
    });
    if (mode === 'set-based') projector = await createLedgerProjector({ ...options, pool, decorateStore: timed });
    else {
      await pool.query(ledgerTablesDdl);
      const store = createPostgresStore({ pool, handler: ledgerProjection });
      await store.init();
      projector = createProjector({ ...options, store: timed(store) });
    }
    const started = performance.now();
    await projector.start();
    await waitFor(() => done >= total, { timeout: 1_800_000, interval: 20, description: `${total} events projected` });
    const seconds = (performance.now() - started) / 1_000;
    await projector.stop();
    projector = undefined;
    if (deadLettered > 0) throw new Error(`${deadLettered} events dead-lettered: the workload holds none to refuse`);
    if (mode === 'set-based') {
      // The rebuilt model accounts for every event: one version per event, one entry per movement.
      const { rows } = await pool.query<{ versions: string; wallets: string; entries: string }>(
        'SELECT (SELECT sum(version) FROM wallets) AS versions, (SELECT count(*) FROM wallets) AS wallets, (SELECT count(*) FROM wallet_entries) AS entries',
      );
      const model = rows[0]!;
      if (Number(model.versions) !== total || Number(model.wallets) + Number(model.entries) !== total) throw new Error(`the rebuilt model does not account for every event: ${JSON.stringify(model)}`);
    }
    const applyMs = batches.reduce((sum, batch) => sum + batch.ms, 0);
    console.error(`${mode}: ${batches.length} batches, ${median(batches.map((batch) => batch.events))} events at the median, ${median(batches.map((batch) => batch.ms)).toFixed(0)} ms each, ${((100 * storeMs) / applyMs).toFixed(0)} % of it in the store, ${(applyMs / 1_000 / seconds).toFixed(2)} batches in flight on average`);
    return total / seconds;
  } finally {
    // A round that failed still leaves the group, or the process would never end.
    await projector?.stop().catch(() => {});
    diagnostics.unsubscribe(projectionBatchChannel.name, count);
    await drop();
    await admin.deleteTopics({ topics: [deadLetters] });
  }
}

async function main() {
  const started = performance.now();
  await admin.connect();
  const brokers = (await admin.describeCluster()).brokers.length;
  const source = uniqueName('bench-rebuild');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: source, numPartitions: PARTITIONS, replicationFactor: -1 }] });
  const subjects = await registerSubjects(source, TYPES);
  const setBased: number[] = [];
  const perEvent: number[] = [];
  let produceSeconds = 0;
  try {
    produceSeconds = await produce(source);
    console.error(`produced ${EVENTS} events in ${produceSeconds.toFixed(1)} s`);
    for (let round = 1; round <= ROUNDS; round += 1) {
      setBased.push(await rebuild(source, 'set-based', EVENTS));
      perEvent.push(await rebuild(source, 'per-event', PER_EVENT_EVENTS));
      console.error(`round ${round}: set-based ${setBased.at(-1)!.toFixed(0)}/s, per-event ${perEvent.at(-1)!.toFixed(0)}/s`);
    }
  } finally {
    await admin.deleteTopics({ topics: [source] }).catch(() => {});
    for (const subject of subjects) await deleteSubject(testStack.registryUrl, subject).catch(() => {});
    await admin.disconnect();
  }
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${brokers} broker(s)`);
  console.log(`Workload: ${EVENTS} ledger events (1 % WalletOpened, 74 % FundsCredited, 25 % FundsDebited; 100 events a wallet, 100 wallets interleaved), ${PARTITIONS} partitions, ${CONCURRENCY} applied at once, produced once in ${produceSeconds.toFixed(1)} s; median of ${ROUNDS} rounds`);
  console.log('');
  console.log('| ledger rebuild from offset 0 | events | events/s (median) | all rounds |');
  console.log('|---|---:|---:|---|');
  console.log(`| set-based (one statement per table per batch) | ${EVENTS} | ${median(setBased).toFixed(0)} | ${setBased.map((value) => value.toFixed(0)).join(', ')} |`);
  console.log(`| event by event (one statement per event) | ${PER_EVENT_EVENTS} | ${median(perEvent).toFixed(0)} | ${perEvent.map((value) => value.toFixed(0)).join(', ')} |`);
  console.log(`Whole benchmark: ${((performance.now() - started) / 1_000).toFixed(0)} s`);
}

await main();
