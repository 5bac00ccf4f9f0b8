import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../telemetry/index.ts';
import type { ProjectionBatchReport } from './consumer-runtime.ts';

const labelNames = ['group', 'topic'] as const;
const registers = [metricsRegistry];

const applied = new Counter({ name: 'thalweg_projection_events_applied_total', help: 'Events a projection applied to its store', labelNames, registers });
const deadLettered = new Counter({
  name: 'thalweg_projection_events_dead_lettered_total',
  help: 'Events a projection sent to its dead letter topic, by error code',
  labelNames: [...labelNames, 'code'],
  registers,
});
const batchSize = new Histogram({ name: 'thalweg_projection_batch_size', help: 'Records per partition batch', labelNames, buckets: [1, 5, 10, 50, 100, 500, 1_000, 5_000], registers });
const batchDuration = new Histogram({
  name: 'thalweg_projection_batch_duration_seconds',
  help: 'Time to decode, apply and dead-letter one partition batch, failed ones included',
  labelNames,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});
const lag = new Gauge({
  name: 'thalweg_projection_lag',
  help: 'Records behind the partition end after the last batch this instance applied or tried',
  labelNames: [...labelNames, 'partition'],
  registers,
});
const failures = new Counter({ name: 'thalweg_projection_batch_failures_total', help: 'Partition batches that failed, by error code (each retried, or the partition stopped)', labelNames: [...labelNames, 'code', 'retriable'], registers });
const paused = new Counter({ name: 'thalweg_projection_paused_seconds_total', help: 'Time partitions were paused before a retry (a store or registry outage)', labelNames, registers });

/** What one partition batch did, as metrics. */
export function recordProjectionBatch(report: ProjectionBatchReport): void {
  const labels = { group: report.group, topic: report.topic };
  batchSize.observe(labels, report.records);
  batchDuration.observe(labels, report.durationMs / 1_000);
  lag.set({ ...labels, partition: String(report.partition) }, report.lag);
  if (report.applied > 0) applied.inc(labels, report.applied);
  for (const [code, count] of Object.entries(report.deadLetteredByCode)) deadLettered.inc({ ...labels, code }, count);
  if (report.failed) failures.inc({ ...labels, code: report.failed.code, retriable: String(report.failed.retriable) });
  if (report.pausedMs) paused.inc(labels, report.pausedMs / 1_000);
}

/** A partition this instance no longer has (`topic/partition`): its lag is the new owner's to report. */
export function forgetProjectionLag(group: string, key: string): void {
  const at = key.lastIndexOf('/');
  lag.remove({ group, topic: key.slice(0, at), partition: key.slice(at + 1) });
}
