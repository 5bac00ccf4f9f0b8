import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testStack } from '../testing/index.ts';
import { createSchemaRegistryClient, WIRE_HEADER_LENGTH } from './index.ts';

/** A wire-format value naming a schema id, with an empty body. */
function valueWithSchemaId(schemaId: number): Buffer {
  const value = Buffer.alloc(WIRE_HEADER_LENGTH);
  value.writeInt32BE(schemaId, 1);
  return value;
}

// Far above any id the stack's registry hands out.
const unknownId = 2_000_000_000;

test('an id the registry does not know is a permanent failure while it answers for the ids it holds', async () => {
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  await assert.rejects(registry.decode(valueWithSchemaId(unknownId)), { code: 'THALWEG_SCHEMA_NOT_FOUND', retriable: false });
});

test('a registry that refuses every id (a wrong URL path) is unavailable, not a missing schema', async () => {
  const registry = createSchemaRegistryClient({ url: `${testStack.registryUrl}/wrong-path` });
  await assert.rejects(registry.decode(valueWithSchemaId(1)), (error: { code?: string; retriable?: boolean; message?: string }) => {
    assert.equal(error.code, 'THALWEG_REGISTRY_UNAVAILABLE');
    assert.equal(error.retriable, true);
    assert.match(error.message!, /is the URL right/);
    return true;
  });
});
