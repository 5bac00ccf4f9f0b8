import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadLetterMessage } from '@thalweg/platform/projection';
import { ThalwegError } from '@thalweg/platform/errors';
import { originalCoordinates, replayHeaders } from '@thalweg/platform/topics';
import { readDeadLetter } from './dead-letter-record.ts';
import { replayRecord } from './replay-record.ts';

const by = { principal: 'thalweg-admin', user: 'alice' };
const now = new Date('2026-12-01T12:00:00Z');
const event = { key: Buffer.from('wallet-1'), value: Buffer.from([0, 0, 0, 0, 7, 1]), headers: { ce_type: Buffer.from('thalweg.ledger.WalletOpened'), ce_id: Buffer.from('id-1') }, timestamp: '1000', offset: '41' };

/** A dead letter as the projector runtime writes it, read back from its topic at `offset`. */
function deadLettered(topic: string, partition: number, message: typeof event, offset: string) {
  const written = deadLetterMessage({ group: 'projector-postgres', topic, partition, attempts: 1 }, { offset: message.offset, message: message as never, error: new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', 'schema id 7: not found') });
  return readDeadLetter('ledger.wallets.v1.projector-postgres.dlq', partition, { ...written, offset, attributes: 0, size: 0 } as never, 'projector-postgres');
}

test('a replay goes to the group’s retry topic, same partition, the event byte for byte with the replay headers', () => {
  const letter = deadLettered('ledger.wallets.v1', 2, event, '3');
  assert.deepEqual(letter.origin, { topic: 'ledger.wallets.v1', partition: 2, offset: '41' });
  const { topic, partition, message } = replayRecord(letter, { by, now });
  assert.equal(topic, 'ledger.wallets.v1.projector-postgres.retry');
  assert.equal(partition, 2);
  assert.deepEqual(message.key, event.key);
  assert.deepEqual(message.value, event.value);
  const headers = message.headers as Record<string, unknown>;
  assert.deepEqual(headers.ce_type, event.headers.ce_type);
  assert.equal(Object.keys(headers).some((name) => name.startsWith('thalweg_dlq_')), false, 'the dead letter headers stay on the dead letter');
  assert.equal(headers[replayHeaders.count], '1');
  assert.equal(headers[replayHeaders.deadLetterOffset], '3');
  assert.equal(headers[replayHeaders.by], 'thalweg-admin (alice)');
  assert.equal(message.timestamp, undefined);
});

test('a dead letter written by another generation of the group goes to the retry topic of the dead letter topic it is on', () => {
  const written = deadLetterMessage({ group: 'projector-postgres-g2', topic: 'ledger.wallets.v1', partition: 1, attempts: 1 }, { offset: '7', message: event as never, error: new ThalwegError('THALWEG_EVENT_REJECTED', 'x') });
  const letter = readDeadLetter('ledger.wallets.v1.projector-postgres.dlq', 1, { ...written, offset: '0', attributes: 0, size: 0 } as never, 'projector-postgres');
  assert.equal(letter.group, 'projector-postgres-g2');
  assert.equal(replayRecord(letter, { by, now }).topic, 'ledger.wallets.v1.projector-postgres.retry');
});

test('a replay that failed again keeps the original coordinates and counts the replays', () => {
  const first = replayRecord(deadLettered('ledger.wallets.v1', 2, event, '3'), { by, now });
  // The projector read the replay at retry/2@0, failed it, and dead-lettered it again at dlq/2@9.
  const again = deadLettered(first.topic, 2, { ...event, headers: first.message.headers as never, offset: '0' }, '9');
  assert.deepEqual(again.origin, { topic: 'ledger.wallets.v1', partition: 2, offset: '41' });
  assert.equal(again.replays, 1);
  const second = replayRecord(again, { by, now });
  assert.equal(second.topic, 'ledger.wallets.v1.projector-postgres.retry');
  const headers = second.message.headers as Record<string, string>;
  assert.equal(headers[replayHeaders.count], '2');
  assert.equal(headers[replayHeaders.deadLetterOffset], '9');
  assert.deepEqual(originalCoordinates({ topic: second.topic, partition: 2, offset: '1' }, second.message.headers as never), { topic: 'ledger.wallets.v1', partition: 2, offset: '41' });
});
