import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { integer, list, oneOf, readConfig, string } from './env-reader.ts';
import { knownVariables } from './known-variables.ts';

const settings = {
  port: integer('THALWEG_PORT', { default: 4001, min: 1, max: 65_535 }),
  brokers: list('THALWEG_KAFKA_BROKERS', { default: ['127.0.0.1:9092'] }),
  level: oneOf('THALWEG_LOG_LEVEL', ['info', 'debug'] as const, { default: 'info' }),
  name: string('THALWEG_NAME'),
};
const known = new Set(['THALWEG_PORT', 'THALWEG_KAFKA_BROKERS', 'THALWEG_LOG_LEVEL', 'THALWEG_NAME', 'THALWEG_OTHER_SERVICE']);
const read = (env: NodeJS.ProcessEnv) => readConfig(settings, env, { known });

test('defaults apply and values parse', () => {
  const config = read({ THALWEG_NAME: 'x', THALWEG_KAFKA_BROKERS: 'a:1, b:2' });
  assert.deepEqual(config, { port: 4001, brokers: ['a:1', 'b:2'], level: 'info', name: 'x' });
});

test('a bad value fails naming the variable', () => {
  assert.throws(() => read({ THALWEG_NAME: 'x', THALWEG_PORT: '70000' }), /THALWEG_PORT: expected 1\.\.65535/);
  assert.throws(() => read({ THALWEG_NAME: 'x', THALWEG_PORT: '12abc' }), /THALWEG_PORT: expected an integer/);
  assert.throws(() => read({ THALWEG_NAME: 'x', THALWEG_LOG_LEVEL: 'loud' }), /THALWEG_LOG_LEVEL: expected one of info, debug/);
});

test('a missing required variable fails naming it', () => {
  assert.throws(() => read({}), (error: Error & { code?: string }) => error.code === 'THALWEG_CONFIG_INVALID' && /THALWEG_NAME: is required/.test(error.message));
});

test('an unknown THALWEG_ variable fails at start-up instead of being ignored', () => {
  assert.throws(() => read({ THALWEG_NAME: 'x', THALWEG_PROT: '1' }), /THALWEG_PROT: unknown variable/);
  assert.doesNotThrow(() => read({ THALWEG_NAME: 'x', HOME: '/root' }));
});

test("another service's variable is allowed, so one environment serves every service", () => {
  assert.doesNotThrow(() => read({ THALWEG_NAME: 'x', THALWEG_OTHER_SERVICE: 'y' }));
});

test('every known variable is documented in .env.example, and nothing else', () => {
  const documented = [...readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8').matchAll(/^(THALWEG_[A-Z_]+)=/gm)].map((match) => match[1]);
  assert.deepEqual([...documented].sort(), [...knownVariables].sort());
});
