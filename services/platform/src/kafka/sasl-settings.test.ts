import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaSettings, readConfig } from '../config/index.ts';
import { kafkaSasl } from './sasl-settings.ts';

const read = (env: NodeJS.ProcessEnv) => kafkaSasl(readConfig(kafkaSettings, env));

test('no username, no SASL: for brokers without authentication', () => {
  assert.equal(read({}), undefined);
  assert.equal(read({ THALWEG_KAFKA_USERNAME: '' }), undefined);
});

test('a username and password give SCRAM-SHA-512 unless another mechanism is named', () => {
  assert.deepEqual(read({ THALWEG_KAFKA_USERNAME: 'command-api', THALWEG_KAFKA_PASSWORD: 's3cret' }), { mechanism: 'scram-sha-512', username: 'command-api', password: 's3cret' });
  assert.equal(read({ THALWEG_KAFKA_USERNAME: 'a', THALWEG_KAFKA_PASSWORD: 'b', THALWEG_KAFKA_SASL_MECHANISM: 'plain' })?.mechanism, 'plain');
});

test('a username without password, or an unknown mechanism, fails at start-up naming the variable', () => {
  assert.throws(() => read({ THALWEG_KAFKA_USERNAME: 'command-api' }), (error: Error & { code?: string }) => error.code === 'THALWEG_CONFIG_INVALID' && /THALWEG_KAFKA_PASSWORD/.test(error.message));
  assert.throws(() => read({ THALWEG_KAFKA_SASL_MECHANISM: 'gssapi' }), /THALWEG_KAFKA_SASL_MECHANISM: expected one of/);
});
