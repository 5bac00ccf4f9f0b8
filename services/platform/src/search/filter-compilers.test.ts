import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCollectionSchema } from './collection-schema.ts';
import { parseFilter } from './filter-grammar.ts';
import { sqlFilter } from './sql-filter.ts';
import { tenantKey, typesenseFilter, typesenseLiteral, typesenseTenantFilter } from './typesense-filter.ts';

const users = loadCollectionSchema('users');
const example = parseFilter('country:=FR && kycState:[approved,"on hold"] && registeredAt:>=100 && registeredAt:<1700000000000', users);

test('Typesense: every string a backtick literal, numbers as numbers, lists with :=', () => {
  assert.equal(typesenseFilter(example), 'country:=`FR` && kycState:=[`approved`,`on hold`] && registeredAt:>=100 && registeredAt:<1700000000000');
  const hostile = parseFilter('country:="FR || tenant:=globex" && kycState:="a && b, [c]"', users);
  assert.equal(typesenseFilter(hostile), 'country:=`FR || tenant:=globex` && kycState:=`a && b, [c]`');
  assert.equal(typesenseFilter({ clauses: [] }), '');
});

test('Typesense: a backtick or control character never reaches filter_by', () => {
  assert.throws(() => typesenseLiteral('a`b'), { code: 'THALWEG_INTERNAL' });
  assert.throws(() => typesenseLiteral('a\u0000'), { code: 'THALWEG_INTERNAL' });
  assert.throws(() => typesenseLiteral('a\\'), { code: 'THALWEG_INTERNAL' }, 'a backslash would escape the closing backtick');
  assert.throws(() => typesenseLiteral(Number.NaN), { code: 'THALWEG_INTERNAL' });
  assert.equal(typesenseLiteral(true), 'true');
});

test('Typesense: the tenant scope clause; every tenant has none', () => {
  // The key is pinned: stored documents carry it, so a change would hide them from every search.
  assert.equal(tenantKey('acme'), '822b33ad87c148a0a20a5ba7cd5ebcaa68d36a18e7aad165554903f52ca82757');
  assert.equal(typesenseTenantFilter(['acme', 'globex']), `tenant_key:=[\`${tenantKey('acme')}\`,\`${tenantKey('globex')}\`]`);
  assert.equal(typesenseTenantFilter(['*']), undefined);
  // Whatever a tenant holds, its key is plain hex: nothing of it reaches filter_by.
  assert.match(typesenseTenantFilter(['ac`me'])!, /^tenant_key:=\[`[0-9a-f]{64}`\]$/);
});

test('SQL: quoted columns, values only as $n parameters numbered from where the caller is', () => {
  assert.deepEqual(sqlFilter(example, { firstParameter: 3 }), {
    text: '"country" = $3 AND "kycState" = ANY($4) AND "registeredAt" >= $5 AND "registeredAt" < $6',
    values: ['FR', ['approved', 'on hold'], 100, 1_700_000_000_000],
  });
  const hostile = sqlFilter(parseFilter(`country:="'; DROP TABLE x; --" && kycState:!="%_"`, users));
  assert.deepEqual(hostile, { text: '"country" = $1 AND "kycState" <> $2', values: ["'; DROP TABLE x; --", '%_'] });
  assert.deepEqual(sqlFilter({ clauses: [] }), { text: 'TRUE', values: [] });
});
