/**
 * The ledger processor of bench/processor.ts, in a process of its own as it is deployed, so that
 * it does not share an event loop with the benchmark's publisher and reader. Its topics come as
 * JSON in BENCH_PROCESSOR; it tells its parent over IPC when it has started, when every partition
 * is active, and what each batch decided; a `stop` message stops it.
 */
import { createKafka } from '@thalweg/platform/kafka';
import { processorBatchChannel, processorReadiness, type ProcessorBatchReport } from '@thalweg/platform/processor';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createLogger } from '@thalweg/platform/telemetry';
import { testStack, waitFor } from '@thalweg/platform/testing';
import { createLedgerProcessor } from '../services/ledger-processor/src/ledger-processor.ts';
import { benchChangelogTopic, benchDeadLetterTopic, benchTopicOf, type BenchProcessorTopics, type WorkerMessage } from './processor-topics.ts';

if (!process.env.BENCH_PROCESSOR || !process.send) throw new Error('processor-worker.ts is started by bench/processor.ts, with BENCH_PROCESSOR and an IPC channel');
const topics = JSON.parse(process.env.BENCH_PROCESSOR) as BenchProcessorTopics;
const tell = (message: WorkerMessage) => process.send!(message);

const catalog = loadSchemaCatalog();
const kafka = createKafka({ brokers: testStack.brokers, clientId: 'bench-processor', ...(testStack.kafkaSasl ? { sasl: testStack.kafkaSasl } : {}) });
const processor = createLedgerProcessor({
  kafka,
  registry: createSchemaRegistryClient({ url: testStack.registryUrl }),
  schemas: catalog,
  outputs: { topicForEventType: benchTopicOf(topics) },
  source: '/thalweg/ledger-processor',
  group: topics.group,
  topics: [topics.commands],
  changelogTopic: () => benchChangelogTopic(topics),
  deadLetterTopic: () => benchDeadLetterTopic(topics),
  readers: { find: (fullName) => (catalog.has(fullName) ? catalog.get(fullName).schema : undefined) },
  // Failures and retries are worth seeing in a benchmark's output.
  logger: createLogger({ level: 'warn', bindings: { service: 'bench-processor' } }),
});

processorBatchChannel.subscribe((report) => {
  const { decided, transactionsMs } = report as ProcessorBatchReport;
  tell({ kind: 'batch', decided, transactionsMs });
});
process.on('message', (message) => {
  if ((message as { kind?: string }).kind !== 'stop') return;
  void processor.stop().finally(() => {
    tell({ kind: 'stopped' });
    process.disconnect();
  });
});

await processor.start();
tell({ kind: 'started' });
const readiness = processorReadiness(processor);
await waitFor(async () => readiness.check().then(() => true, () => false), { timeout: 120_000, interval: 50, description: 'every partition active' });
tell({ kind: 'active' });
