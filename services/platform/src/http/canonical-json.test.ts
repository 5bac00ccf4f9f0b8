import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.ts';

test('key order does not matter, at any depth; array order and values do', () => {
  const a = { amountMinor: 100, currency: 'EUR', meta: { b: [2, 1], a: null } };
  const b = { meta: { a: null, b: [2, 1] }, currency: 'EUR', amountMinor: 100 };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(canonicalJson(a), '{"amountMinor":100,"currency":"EUR","meta":{"a":null,"b":[2,1]}}');
  assert.notEqual(canonicalJson({ b: [1, 2] }), canonicalJson({ b: [2, 1] }));
  assert.notEqual(canonicalJson({ amountMinor: 100 }), canonicalJson({ amountMinor: '100' }));
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}', 'as JSON.stringify: an undefined member is no member');
  assert.equal(canonicalJson({ nested: [{ z: 1, y: 2 }] }), '{"nested":[{"y":2,"z":1}]}');
});
