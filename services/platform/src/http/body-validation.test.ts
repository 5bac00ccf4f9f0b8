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

test('names every object inherits (constructor, toString, __proto__) are unknown fields too', () => {
  const body = JSON.parse('{"amountMinor":1,"currency":"EUR","constructor":5,"toString":"y","__proto__":{}}');
  assert.deepEqual(fieldsOf(body).sort(), ['body.__proto__', 'body.constructor', 'body.toString']);
});

test('a body that is not an object is refused as a whole', () => {
  assert.deepEqual(fieldsOf([1, 2]), ['body']);
  assert.deepEqual(fieldsOf('text'), ['body']);
});

test('nested objects, arrays, enums and booleans are checked with the path of every wrong field', () => {
  const rules = {
    preferences: {
      type: 'object',
      required: false,
      fields: { language: { type: 'string', minLength: 2 }, notifications: { type: 'object', fields: { email: { type: 'boolean' } } } },
    },
    documents: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'object', fields: { kind: { type: 'enum', values: ['passport', 'id_card'] } } } },
  } as const;
  const parsed = parseFields({ preferences: { language: 'fr', notifications: { email: true } }, documents: [{ kind: 'passport' }] }, rules);
  assert.deepEqual(parsed, { preferences: { language: 'fr', notifications: { email: true } }, documents: [{ kind: 'passport' }] });
  assert.throws(
    () => parseFields({ preferences: { language: 'f', notifications: { email: 'yes', sms: true } }, documents: [{ kind: 'passport' }, { kind: 'selfie' }, 7] }, rules),
    (error: { fields: Array<{ field: string }> }) => {
      assert.deepEqual(error.fields.map((entry) => entry.field).sort(), [
        'body.documents[1].kind',
        'body.documents[2]',
        'body.preferences.language',
        'body.preferences.notifications.email',
        'body.preferences.notifications.sms',
      ]);
      return true;
    },
  );
  assert.throws(() => parseFields({ documents: [] }, rules), /body\.documents: must have at least 1 item/);
});
