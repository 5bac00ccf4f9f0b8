import { test } from 'node:test';
import assert from 'node:assert/strict';
import { originalCoordinates, replayHeaders } from './replay-headers.ts';

const replayed = {
  [replayHeaders.originalTopic]: Buffer.from('ledger.wallets.v1'),
  [replayHeaders.originalPartition]: Buffer.from('2'),
  [replayHeaders.originalOffset]: Buffer.from('41'),
};

test('a replay read from a retry topic keeps the coordinates it was first written at', () => {
  const own = { topic: 'ledger.wallets.v1.projector-postgres.retry', partition: 2, offset: '0' };
  assert.deepEqual(originalCoordinates(own, replayed), { topic: 'ledger.wallets.v1', partition: 2, offset: '41' });
});

test('only a retry topic’s replay headers count; malformed ones leave the record’s own coordinates', () => {
  const own = { topic: 'ledger.wallets.v1', partition: 0, offset: '7' };
  assert.deepEqual(originalCoordinates(own, replayed), own, 'a producer on the topic cannot claim other coordinates');
  const retry = { topic: 'ledger.wallets.v1.projector-postgres.retry', partition: 0, offset: '3' };
  assert.deepEqual(originalCoordinates(retry, { ...replayed, [replayHeaders.originalOffset]: Buffer.from('x') }), retry);
  assert.deepEqual(originalCoordinates(retry, undefined), retry);
});
