import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFields } from './body-validation.ts';

const rules = {
  walletId: { type: 'uuid', required: false },
  amountMinor: { type: 'integer', min: 1 },
  currency: { type: 'string', pattern: /^[A-Z]{3}$/, patternHint: 'must be an ISO 4217 code' },
} as const;

function fieldsOf(input: unknown): string[] {
  try {
    parseFields(input, rules);
  } catch (error) {
    return (error as { fields: Array<{ field: string }> }).fields.map((entry) => entry.field);
  }
  return [];
}

test('valid input parses to the declared fields', () => {
  assert.deepEqual(parseFields({ amountMinor: 5, currency: 'EUR' }, rules), { amountMinor: 5, currency: 'EUR' });
});

test('every wrong, missing and unknown field is named', () => {
  assert.deepEqual(fieldsOf({ amountMinor: 0, extra: true }).sort(), ['body.amountMinor', 'body.currency', 'body.extra']);
  assert.deepEqual(fieldsOf({ amountMinor: 1.5, currency: 'eur', walletId: 'nope' }).sort(), ['body.amountMinor', 'body.currency', 'body.walletId']);
});

test('a body that is not an object is refused as a whole', () => {
  assert.deepEqual(fieldsOf([1, 2]), ['body']);
  assert.deepEqual(fieldsOf('text'), ['body']);
});
