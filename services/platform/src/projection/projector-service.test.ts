import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectorTopics } from './projector-service.ts';

test('a projector running as its declared group also reads its retry topics; a rebuild group does not', () => {
  assert.deepEqual(projectorTopics(['ledger.wallets.v1'], 'projector-postgres', 'projector-postgres'), ['ledger.wallets.v1', 'ledger.wallets.v1.projector-postgres.retry']);
  assert.deepEqual(projectorTopics(['ledger.wallets.v1'], 'projector-postgres', 'projector-postgres-rebuild-2'), ['ledger.wallets.v1']);
});
