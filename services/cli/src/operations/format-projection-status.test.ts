import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProjectionStatus } from './format-projection-status.ts';
import type { ProjectionStatus } from './projection-status.ts';

const readiness = { service: 'projector-postgres', urls: ['http://10.0.0.5:4011'], source: 'THALWEG_PROJECTOR_POSTGRES_URL' };

test('a projection reads as a header, its store, a row per partition and its instances, unknowns as -', () => {
  const status: ProjectionStatus = {
    name: 'ledger',
    service: 'projector-postgres',
    group: 'projector-postgres',
    store: { state: 'reachable', backend: 'postgres', location: 'postgres://thalweg:***@db:5432/thalweg (THALWEG_DATABASE_URL)', offsets: [] },
    kafka: { state: 'reachable' },
    topics: [
      {
        topic: 'ledger.wallets.v1',
        partitions: [
          { partition: 0, stored: 2, end: 5, lag: 3, committed: 1, lastAppliedAt: '2026-12-01T10:00:00.000Z' },
          { partition: 1, stored: null, end: 0, lag: 0, committed: null, lastAppliedAt: null },
        ],
      },
    ],
    lag: 3,
    readiness: { ...readiness, instances: [{ url: 'http://10.0.0.5:4011', state: 'not ready', checks: [{ check: 'consumer', ok: false, error: 'retrying 0 (THALWEG_STORE_UNAVAILABLE)' }] }] },
  };
  assert.deepEqual(formatProjectionStatus(status), [
    'ledger  group projector-postgres  service projector-postgres  lag 3',
    '  store: postgres postgres://thalweg:***@db:5432/thalweg (THALWEG_DATABASE_URL): reachable',
    '  TOPIC              PARTITION  STORED  END  LAG  COMMITTED  LAST APPLIED',
    '  ledger.wallets.v1  0          2       5    3    1          2026-12-01T10:00:00.000Z',
    '  ledger.wallets.v1  1          -       0    0    -          -',
    '  instances (THALWEG_PROJECTOR_POSTGRES_URL):',
    '    http://10.0.0.5:4011  not ready: consumer: retrying 0 (THALWEG_STORE_UNAVAILABLE)',
  ]);
});

test('an unreachable store says so and why, with the lag unknown', () => {
  const status: ProjectionStatus = {
    name: 'identity',
    service: 'projector-mongo',
    group: 'projector-mongo',
    store: { state: 'unreachable', backend: 'mongodb', location: 'mongodb://db:27017/thalweg (THALWEG_MONGODB_URL)', error: 'connect ECONNREFUSED' },
    kafka: { state: 'reachable' },
    topics: [{ topic: 'identity.users.v1', partitions: [{ partition: 0, stored: null, end: 7, lag: null, committed: 7, lastAppliedAt: null }] }],
    lag: null,
    readiness: { ...readiness, instances: [{ url: 'http://10.0.0.5:4011', state: 'unreachable', error: 'connect ECONNREFUSED 10.0.0.5:4011' }] },
  };
  const lines = formatProjectionStatus(status);
  assert.equal(lines[0], 'identity  group projector-mongo  service projector-mongo  lag -');
  assert.equal(lines[1], '  store: mongodb mongodb://db:27017/thalweg (THALWEG_MONGODB_URL): UNREACHABLE (connect ECONNREFUSED)');
  assert.equal(lines.at(-1), '    http://10.0.0.5:4011  unreachable: connect ECONNREFUSED 10.0.0.5:4011');
});
