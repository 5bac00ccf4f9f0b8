import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createTestConsumerGroup, createTestDatabase, securityEnv, startServiceProcess, testAdmin, testStack, userToken, waitFor } from '@thalweg/platform/testing';
import { startLedgerProcessor } from './wallet-services.ts';

const TOPIC = 'ledger.wallets.v1';

test('SIGTERM: the projector finishes, commits its offsets, leaves the group and exits 0', async (t) => {
  const admin = await testAdmin(t);
  const group = await createTestConsumerGroup(t, admin, { prefix: 'projector-postgres-shutdown', topics: [TOPIC] });
  const database = await createTestDatabase(t, 'shutdown');
  const common = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' };
  const command = await startServiceProcess(t, 'command-api', { ...common, ...securityEnv(), THALWEG_REDIS_URL: testStack.redisUrl });
  const projector = await startServiceProcess(t, 'projector-postgres', { ...common, THALWEG_DATABASE_URL: database.url, THALWEG_CONSUMER_GROUP: group });
  await startLedgerProcessor(t);
  const response = await fetch(`${command.url}/v1/wallets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await userToken('alice')}`, prefer: 'wait=20' },
    body: JSON.stringify({ ownerId: 'o', currency: 'EUR' }),
  });
  assert.equal(response.status, 201);
  const { walletId, positions } = (await response.json()) as { walletId: string; positions: Array<{ partition: number; offset: string }> };
  const opened = { walletId, position: positions[0]! };
  await waitFor(async () => (await database.pool.query('SELECT 1 FROM wallets WHERE wallet_id = $1', [opened.walletId])).rowCount === 1, { description: 'projected' });

  const exited = once(projector.process, 'exit');
  projector.process.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, projector.output().slice(-2_000));
  // Left the group (not merely timed out of it): the group is empty at once.
  const { groups } = await admin.describeGroups([group]);
  assert.equal(groups[0]!.state, 'Empty');
  const committed = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
  const partition = committed[0]!.partitions.find((entry) => entry.partition === opened.position.partition)!;
  assert.ok(BigInt(partition.offset) > BigInt(opened.position.offset), 'the applied batch is committed to Kafka');
});
