import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registryError } from './schema-registry-client.ts';

const codeFor = (status: number | undefined) => {
  const error = registryError(status, 'schema 7', {});
  return { code: error.code, retriable: error.retriable };
};

test('a registry answer maps to missing (permanent), refused (permanent) or unavailable (retriable)', () => {
  assert.deepEqual(codeFor(404), { code: 'THALWEG_SCHEMA_NOT_FOUND', retriable: false });
  assert.deepEqual(codeFor(422), { code: 'THALWEG_SCHEMA_INVALID', retriable: false });
  assert.deepEqual(codeFor(409), { code: 'THALWEG_SCHEMA_INVALID', retriable: false });
  // Throttling, timeouts and refused credentials never make an event undeliverable.
  for (const status of [401, 403, 408, 429, 500, 503, undefined]) {
    assert.deepEqual(codeFor(status), { code: 'THALWEG_REGISTRY_UNAVAILABLE', retriable: true }, String(status));
  }
});
