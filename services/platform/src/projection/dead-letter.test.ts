import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThalwegError } from '../errors/index.ts';
import { deadLetterHeaders, deadLetterMessage } from './dead-letter.ts';

test('a dead letter keeps key, value and headers and names its origin, error and attempts', () => {
  const value = Buffer.from([0, 0, 0, 0, 7, 1, 2]);
  const message = { key: Buffer.from('wallet-1'), value, headers: { ce_type: Buffer.from('thalweg.ledger.FundsDebited') }, timestamp: '1700000000000', offset: '41', attributes: 0 };
  const error = new ThalwegError('THALWEG_EVENT_REJECTED', 'insufficient funds');
  const letter = deadLetterMessage({ group: 'g', topic: 't', partition: 2, attempts: 1 }, { offset: '41', message, error });
  assert.equal(letter.key, message.key);
  assert.equal(letter.value, value);
  assert.equal(letter.headers.ce_type, message.headers.ce_type);
  assert.equal(letter.headers[deadLetterHeaders.topic], 't');
  assert.equal(letter.headers[deadLetterHeaders.partition], '2');
  assert.equal(letter.headers[deadLetterHeaders.offset], '41');
  assert.equal(letter.headers[deadLetterHeaders.errorCode], 'THALWEG_EVENT_REJECTED');
  assert.equal(letter.headers[deadLetterHeaders.errorMessage], 'insufficient funds');
  assert.equal(letter.headers[deadLetterHeaders.attempts], '1');
  assert.equal('timestamp' in letter, false, 'Kafka stamps the dead letter when it is written, so retention counts from then');
});
