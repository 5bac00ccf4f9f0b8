import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importOutcomes } from './typesense-import-results.ts';

test('every import line is paired with its document, failures with Typesense\'s reason', () => {
  const answer = ['{"success":true}', '{"success":false,"error":"Bad JSON.","document":"{","code":400}', '{"success":true}'].join('\n');
  assert.deepEqual(importOutcomes(['a', 'b', 'c'], answer), [
    { id: 'a', ok: true },
    { id: 'b', ok: false, reason: 'Bad JSON. (400)' },
    { id: 'c', ok: true },
  ]);
  assert.deepEqual(importOutcomes(['a'], { success: true }), [{ id: 'a', ok: true }], 'a one-line answer already parsed as JSON');
});

test('an answer that does not account for every document, or cannot be read, is retriable', () => {
  assert.throws(() => importOutcomes(['a', 'b'], '{"success":true}'), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true });
  assert.throws(() => importOutcomes(['a'], 'not json'), { code: 'THALWEG_STORE_UNAVAILABLE' });
  assert.throws(() => importOutcomes(['a'], '{"ok":1}'), { code: 'THALWEG_STORE_UNAVAILABLE' });
});

test('a line Typesense itself failed (not ready, lagging, throttled) is retriable for the batch, never a refused document', () => {
  for (const code of [503, 500, 429, 408]) {
    const answer = ['{"success":true}', `{"success":false,"error":"Not Ready or Lagging","document":"{}","code":${code}}`].join('\n');
    assert.throws(() => importOutcomes(['a', 'b'], answer), { code: 'THALWEG_STORE_UNAVAILABLE', retriable: true, message: new RegExp(`document b \\(${code}\\)`) });
  }
  assert.deepEqual(importOutcomes(['a'], '{"success":false,"error":"Could not find a document with id: a","code":404}'), [{ id: 'a', ok: false, reason: 'Could not find a document with id: a (404)' }]);
});
