import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAvroSchema } from '../registry/index.ts';
import { assertPayload, checkPayload } from './payload-validation.ts';

const type = parseAvroSchema({
  type: 'record',
  name: 'Sample',
  namespace: 'thalweg.test',
  fields: [
    { name: 'amountMinor', type: 'long' },
    { name: 'currency', type: 'string' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'preferences', type: { type: 'record', name: 'Preferences', fields: [{ name: 'language', type: 'string' }] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const valid = { amountMinor: 100, currency: 'EUR', at: new Date(), preferences: { language: 'en' }, note: null };

test('a valid payload has no problems', () => {
  assert.deepEqual(checkPayload(type, valid), []);
});

test('a wrong field is named by its path', () => {
  const problems = checkPayload(type, { ...valid, amountMinor: 'ten' }, 'data');
  assert.deepEqual(problems.map((problem) => problem.field), ['data.amountMinor']);
  assert.match(problems[0]!.message, /expected long, got string "ten"/);
});

test('nested fields and missing fields are named', () => {
  const problems = checkPayload(type, { ...valid, preferences: { language: 7 }, currency: undefined });
  assert.deepEqual(problems.map((problem) => problem.field).sort(), ['currency', 'preferences.language']);
});

test('a timestamp must be a Date', () => {
  const [problem] = checkPayload(type, { ...valid, at: '2026-01-01' });
  assert.equal(problem!.field, 'at');
  assert.match(problem!.message, /expected a timestamp/);
});

test('undeclared fields are refused by name', () => {
  const problems = checkPayload(type, { ...valid, tenant: 'x' }, 'data');
  assert.deepEqual(problems, [{ field: 'data.tenant', message: 'is not a field of this event' }]);
});

test('assertPayload throws a validation error with the fields', () => {
  assert.throws(() => assertPayload(type, { ...valid, amountMinor: 1.5 }, 'data'), (error: Error & { code?: string; fields?: unknown[] }) => {
    assert.equal(error.code, 'THALWEG_VALIDATION_FAILED');
    assert.match(error.message, /^data\.amountMinor/);
    return true;
  });
});
