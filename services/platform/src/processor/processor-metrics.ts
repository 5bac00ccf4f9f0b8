import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../telemetry/index.ts';
import type { ProcessorRestoreReport } from './partition-task.ts';
import type { ProcessorBatchReport } from './processor-runtime.ts';

const labelNames = ['group', 'topic'] as const;
const registers = [metricsRegistry];

const decided = new Counter({ name: 'thalweg_processor_records_decided_total', help: 'Input records a processor decided and committed', labelNames, registers });
const deadLettered = new Counter({ name: 'thalweg_processor_records_dead_lettered_total', help: 'Input records a processor could never decide, sent to its dead letter topic', labelNames, registers });
const commands = new Counter({
  name: 'thalweg_processor_commands_total',
  help: 'Commands decided and committed, by outcome and the rejection reason (empty when accepted)',
  labelNames: [...labelNames, 'outcome', 'reason'],
  registers,
});
const transactionDuration = new Histogram({
  name: 'thalweg_processor_transaction_duration_seconds',
  help: 'From the start of a Kafka transaction to its commit: decisions, outputs, changelog, offsets',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});
const lag = new Gauge({ name: 'thalweg_processor_lag', help: 'Records behind the partition end after the last batch this instance decided or tried', labelNames: [...labelNames, 'partition'], registers });
const failures = new Counter({ name: 'thalweg_processor_batch_failures_total', help: 'Partition batches that failed, by error code (retried in a new transaction)', labelNames: [...labelNames, 'code', 'retriable'], registers });
const restoreDuration = new Histogram({
  name: 'thalweg_processor_restore_duration_seconds',
  help: 'Time to restore a partition state from its changelog before its first record is decided',
  labelNames: [...labelNames, 'kind'],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers,
});
const lastRestore = new Gauge({ name: 'thalweg_processor_last_restore_seconds', help: 'How long the last restore of each partition took', labelNames: [...labelNames, 'partition'], registers });
const restoredRecords = new Counter({ name: 'thalweg_processor_restored_records_total', help: 'Changelog records read while restoring state', labelNames, registers });

/** What one partition batch did, as metrics. */
export function recordProcessorBatch(report: ProcessorBatchReport): void {
  const labels = { group: report.group, topic: report.topic };
  lag.set({ ...labels, partition: String(report.partition) }, report.lag);
  if (report.decided > 0) decided.inc(labels, report.decided);
  if (report.deadLettered > 0) deadLettered.inc(labels, report.deadLettered);
  for (const ms of report.transactionsMs) transactionDuration.observe(labels, ms / 1_000);
  for (const [key, count] of Object.entries(report.outcomes)) {
    const [outcome, reason = ''] = key.split(':');
    commands.inc({ ...labels, outcome, reason }, count);
  }
  if (report.failed) failures.inc({ ...labels, code: report.failed.code, retriable: String(report.failed.retriable) });
}

/** One restore of a partition's state, as metrics. */
export function recordProcessorRestore(report: ProcessorRestoreReport): void {
  const labels = { group: report.group, topic: report.topic };
  restoreDuration.observe({ ...labels, kind: report.kind }, report.durationMs / 1_000);
  lastRestore.set({ ...labels, partition: String(report.partition) }, report.durationMs / 1_000);
  restoredRecords.inc(labels, report.records);
}

/** A partition this instance no longer has (`topic/partition`): its gauges are the new owner's to report. */
export function forgetProcessorPartition(group: string, key: string): void {
  const at = key.lastIndexOf('/');
  const labels = { group, topic: key.slice(0, at), partition: key.slice(at + 1) };
  lag.remove(labels);
  lastRestore.remove(labels);
}
