import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { kafkaAdminError } from './kafka-admin-error.ts';

const { KafkaJSConnectionError, KafkaJSProtocolError } = kafkajs;

/** kafkajs builds protocol errors from its error-code table entries; its typings only admit an Error. */
const protocolError = (entry: { type: string; code: number; retriable: boolean; message: string }) => new KafkaJSProtocolError(entry as unknown as Error);

test('an unreachable or transiently failing cluster is THALWEG_KAFKA_UNAVAILABLE', () => {
  assert.equal(kafkaAdminError(new KafkaJSConnectionError('Connection refused'), 'create-topic x').code, 'THALWEG_KAFKA_UNAVAILABLE');
  const notController = protocolError({ type: 'NOT_CONTROLLER', code: 41, retriable: true, message: 'not the controller' });
  assert.equal(kafkaAdminError(notController, 'create-topic x').code, 'THALWEG_KAFKA_UNAVAILABLE');
});

test('a refusal by Kafka names the action and the Kafka error', () => {
  const refusal = protocolError({ type: 'INVALID_REPLICATION_FACTOR', code: 38, retriable: false, message: 'Replication factor is invalid' });
  const error = kafkaAdminError(refusal, 'create-topic ledger.wallets.v1');
  assert.equal(error.code, 'THALWEG_TOPIC_SPEC_INVALID');
  assert.match(error.message, /^create-topic ledger\.wallets\.v1: refused by Kafka: Replication factor is invalid \(INVALID_REPLICATION_FACTOR\)$/);
  assert.equal(error.retriable, false);
});
