import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { facetFields, filterableFields, loadCollectionSchema, parseCollectionSchema, sortableFields, textFields } from './collection-schema.ts';
import { documentProblem } from './document-check.ts';

const names = (fields: Array<{ name: string }>) => fields.map((field) => field.name);

test('the committed collection schemas load, with their text, facet, filter and sort fields', () => {
  const users = loadCollectionSchema('users');
  assert.deepEqual(names(textFields(users)), ['name', 'email']);
  assert.deepEqual(names(facetFields(users)), ['country', 'kycState']);
  assert.deepEqual(names(filterableFields(users)), ['country', 'kycState', 'registeredAt']);
  assert.deepEqual(names(sortableFields(users)), ['registeredAt']);
  const entries = loadCollectionSchema('entries');
  assert.deepEqual(names(textFields(entries)), ['reference']);
  assert.deepEqual(names(facetFields(entries)), ['walletId', 'currency', 'direction', 'transferId']);
  assert.equal(entries.default_sorting_field, 'occurredAt');
});

const valid = { name: 'things', fields: [{ name: 'tenant', type: 'string', facet: true }, { name: 'title', type: 'string' }, { name: 'at', type: 'int64' }], default_sorting_field: 'at' };

test('a schema that breaks a rule is refused naming the property', () => {
  const refused = (raw: unknown) => {
    try {
      parseCollectionSchema(raw, 'things.json');
    } catch (error) {
      return (error as { code: string; message: string }).code + ' ' + (error as Error).message;
    }
    assert.fail('accepted');
  };
  assert.doesNotThrow(() => parseCollectionSchema(valid, 'things.json'));
  assert.match(refused({ ...valid, fields: valid.fields.slice(1) }), /THALWEG_SCHEMA_INVALID .*must declare a required faceted string field tenant/);
  assert.match(refused({ ...valid, default_sorting_field: 'title' }), /default_sorting_field: must name a required numeric field/);
  assert.match(refused({ ...valid, fields: [...valid.fields, { name: 'id', type: 'string' }] }), /id is implicit/);
  assert.match(refused({ ...valid, fields: [...valid.fields, { name: 'x"; DROP', type: 'string' }] }), /fields\[3\]\.name: must match/);
  assert.match(refused({ ...valid, fields: [...valid.fields, { name: 'v', type: 'vector' }] }), /fields\[3\]\.type/);
  assert.match(refused({ ...valid, name: 'Things!' }), /name: must match/);
  assert.match(refused({ ...valid, token_separators: ['-'] }), /token_separators: is not a known schema property/);
});

test('a file whose name and collection name differ is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'search-schemas-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'other.json'), JSON.stringify(valid));
  assert.throws(() => loadCollectionSchema('other', dir), /name: must be other/);
  writeFileSync(join(dir, 'broken.json'), '{');
  assert.throws(() => loadCollectionSchema('broken', dir), { code: 'THALWEG_SCHEMA_INVALID' });
});

test('a document is checked against its collection', () => {
  const schema = parseCollectionSchema(valid, 'things.json');
  assert.equal(documentProblem(schema, { id: 'a', tenant: 'acme', title: 't', at: 1 }), undefined);
  assert.equal(documentProblem(schema, { id: 'a', tenant: 'acme', at: 1 }), 'title is required');
  assert.equal(documentProblem(schema, { id: 'a', tenant: 'acme', title: 't', at: 1.5 }), 'at must be an integer');
  assert.equal(documentProblem(schema, { id: 'a', tenant: '*', title: 't', at: 1 }), 'tenant must name one tenant, not *');
  assert.equal(documentProblem(schema, { id: 'a`b', tenant: 'acme', title: 't', at: 1 }), 'id must hold no backtick, backslash or control character');
  assert.equal(documentProblem(schema, { id: '*', tenant: 'acme', title: 't', at: 1 }), 'id must not be *', 'a Typesense id filter would read it as every document');
  assert.equal(documentProblem(schema, { id: 'a', tenant: 'acme', title: 't', at: 1, extra: 1 }), 'extra is not a field of things');
  assert.equal(documentProblem(schema, null), 'the document must be an object');
});
