import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCodes } from './codes.ts';
import { ThalwegError, validationError } from './thalweg-error.ts';

const documentation = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

test('every error code is documented in docs/errors.md with its status', () => {
  for (const [code, { status }] of Object.entries(errorCodes)) {
    const row = documentation.split('\n').find((line) => line.startsWith(`| \`${code}\``));
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.match(row, new RegExp(`\\| ${status} \\|`), `${code} documented with another status`);
  }
});

test('docs/errors.md documents no code that does not exist', () => {
  const documented = [...documentation.matchAll(/^\| `(THALWEG_[A-Z_]+)`/gm)].map((match) => match[1]);
  assert.deepEqual(documented.filter((code) => !(code! in errorCodes)), []);
});

test('a ThalwegError takes status and retriable from its code unless overridden', () => {
  const unavailable = new ThalwegError('THALWEG_STORE_UNAVAILABLE', 'down');
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.retriable, true);
  assert.equal(new ThalwegError('THALWEG_STORE_UNAVAILABLE', 'x', { retriable: false }).retriable, false);
});

test('validationError names the first field in its message and keeps all fields', () => {
  const error = validationError([
    { field: 'body.amountMinor', message: 'must be an integer' },
    { field: 'body.reference', message: 'is required' },
  ]);
  assert.equal(error.code, 'THALWEG_VALIDATION_FAILED');
  assert.equal(error.message, 'body.amountMinor: must be an integer');
  assert.equal(error.fields.length, 2);
});
