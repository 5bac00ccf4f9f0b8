import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsRegistry } from '../telemetry/index.ts';
import { forgetProjectionLag, recordProjectionBatch } from './projection-metrics.ts';

const series = async (name: string, group: string) => (await metricsRegistry.metrics()).split('\n').filter((line) => line.startsWith(`${name}{`) && line.includes(`group="${group}"`));

test('a batch report becomes the projection metrics: applied, dead letters by code, batch size, lag, failures and pauses', async () => {
  const group = `metrics-${crypto.randomUUID()}`;
  const base = { group, topic: 'ledger.wallets.v1', partition: 2, durationMs: 40, deadLettered: 0, deadLetteredByCode: {} };
  recordProjectionBatch({ ...base, records: 10, applied: 8, deadLettered: 2, deadLetteredByCode: { THALWEG_EVENT_REJECTED: 1, THALWEG_EVENT_UNDECODABLE: 1 }, lag: 5 });
  recordProjectionBatch({ ...base, records: 3, applied: 0, lag: 3, failed: { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true, attempt: 1 }, pausedMs: 1_500 });

  assert.deepEqual(await series('thalweg_projection_events_applied_total', group), [`thalweg_projection_events_applied_total{group="${group}",topic="ledger.wallets.v1"} 8`]);
  assert.deepEqual((await series('thalweg_projection_events_dead_lettered_total', group)).sort(), [
    `thalweg_projection_events_dead_lettered_total{group="${group}",topic="ledger.wallets.v1",code="THALWEG_EVENT_REJECTED"} 1`,
    `thalweg_projection_events_dead_lettered_total{group="${group}",topic="ledger.wallets.v1",code="THALWEG_EVENT_UNDECODABLE"} 1`,
  ]);
  assert.deepEqual(await series('thalweg_projection_lag', group), [`thalweg_projection_lag{group="${group}",topic="ledger.wallets.v1",partition="2"} 3`], 'the last batch sets the lag');
  assert.ok((await series('thalweg_projection_batch_size_count', group)).some((line) => line.endsWith(' 2')));
  assert.deepEqual(await series('thalweg_projection_batch_failures_total', group), [`thalweg_projection_batch_failures_total{group="${group}",topic="ledger.wallets.v1",code="THALWEG_STORE_UNAVAILABLE",retriable="true"} 1`]);
  assert.deepEqual(await series('thalweg_projection_paused_seconds_total', group), [`thalweg_projection_paused_seconds_total{group="${group}",topic="ledger.wallets.v1"} 1.5`]);

  forgetProjectionLag(group, 'ledger.wallets.v1/2');
  assert.deepEqual(await series('thalweg_projection_lag', group), [], 'a partition gone to another instance has no lag here');
});
