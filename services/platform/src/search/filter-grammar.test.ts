import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isThalwegError } from '../errors/index.ts';
import { loadCollectionSchema } from './collection-schema.ts';
import { checkFilter, filterLimits, parseFilter } from './filter-grammar.ts';

const users = loadCollectionSchema('users');
const entries = loadCollectionSchema('entries');

/** The message of the validation error a filter text raises, which must name query.filter. */
function refusal(text: string, schema = users): string {
  try {
    parseFilter(text, schema);
  } catch (error) {
    assert.ok(isThalwegError(error) && error.code === 'THALWEG_VALIDATION_FAILED', String(error));
    assert.equal(error.fields[0]!.field, 'query.filter');
    return error.fields[0]!.message;
  }
  assert.fail(`${text} was accepted`);
}

test('a filter parses into typed clauses', () => {
  assert.deepEqual(parseFilter('country:=FR && kycState:[approved,pending] && registeredAt:<1700000000000', users), {
    clauses: [
      { field: 'country', operator: '=', value: 'FR' },
      { field: 'kycState', operator: 'in', values: ['approved', 'pending'] },
      { field: 'registeredAt', operator: '<', value: 1_700_000_000_000 },
    ],
  });
  assert.deepEqual(parseFilter('  amountMinor : >= -100&&direction:!=debit && currency:=[ EUR , "US D" ]  ', entries).clauses, [
    { field: 'amountMinor', operator: '>=', value: -100 },
    { field: 'direction', operator: '!=', value: 'debit' },
    { field: 'currency', operator: 'in', values: ['EUR', 'US D'] },
  ]);
  assert.deepEqual(parseFilter('', users), { clauses: [] });
  assert.deepEqual(parseFilter('country:="Zürich \\"東京\\""', users).clauses, [{ field: 'country', operator: '=', value: 'Zürich "東京"' }]);
});

test('unknown, unfilterable and tenant fields are refused with their position', () => {
  assert.equal(refusal('country:=FR && password:=x'), 'password is not a field that can be filtered on (at character 16)');
  assert.match(refusal('name:=John'), /name is not a field that can be filtered on \(at character 1\)/);
  assert.match(refusal('tenant:=globex'), /tenant is not a field that can be filtered on/);
});

test('values must fit the field type and operators the kind of field', () => {
  assert.match(refusal('registeredAt:>=yesterday'), /registeredAt takes an integer, not "yesterday" \(at character 16\)/);
  assert.match(refusal('registeredAt:=1.5'), /takes an integer/);
  assert.match(refusal('registeredAt:="100"'), /its value is not quoted/);
  assert.match(refusal('registeredAt:=99999999999999999999'), /takes an integer/);
  assert.match(refusal('country:>FR'), /country is a string field: > needs a number field/);
  assert.match(refusal('kycState:!=[a,b]'), /a list of values takes := or :/);
  assert.match(refusal('country:FR'), /expected an operator/);
});

test('injection attempts are refused or stay one literal value', () => {
  assert.match(refusal('country:=FR || tenant:=globex'), /joined with && only \(at character 13\)/);
  assert.match(refusal('country:=FR` || tenant:=`globex'), /expected && between clauses \(at character 12\)/);
  assert.match(refusal('country:="FR` || tenant:=`globex"'), /backticks and control characters cannot be filtered on/);
  assert.match(refusal("country:='; DROP TABLE users; --"), /unexpected "'"/);
  assert.match(refusal('country:=%'), /unexpected "%"/);
  assert.match(refusal('country:=(FR)'), /unexpected "\("/);
  assert.match(refusal('country:="a\nb"'), /control characters/);
  assert.match(refusal('country:="open'), /not closed/);
  assert.match(refusal('country:="a\\b"'), /only \\" may be escaped/);
  // A backslash before a backtick is an escape to Typesense: `["a\\",FR]` would be one value there.
  assert.match(refusal('country:["a\\\\",FR]'), /a backslash cannot be filtered on/);
  // Typesense drops an empty literal and trims values, so the backends would disagree on them.
  assert.match(refusal('country:[""]'), /must not be empty/);
  assert.match(refusal('country:=" FR"'), /nor start or end with a space/);
  assert.deepEqual(parseFilter("country:=\"'; DROP TABLE users; --\" && kycState:=\"100%_\"", users).clauses, [
    { field: 'country', operator: '=', value: "'; DROP TABLE users; --" },
    { field: 'kycState', operator: '=', value: '100%_' },
  ]);
  assert.deepEqual(parseFilter('country:=under_score', users).clauses, [{ field: 'country', operator: '=', value: 'under_score' }]);
});

test('length, clause, list and value limits hold', () => {
  assert.match(refusal(`country:=${'F'.repeat(filterLimits.maxLength)}`), /longer than 1000 characters/);
  const clauses = Array.from({ length: filterLimits.maxClauses + 1 }, () => 'country:=FR').join(' && ');
  assert.match(refusal(clauses), /more than 10 clauses/);
  assert.match(refusal(`country:[${Array.from({ length: filterLimits.maxListValues + 1 }, (_, i) => `c${i}`).join(',')}]`), /at most 50 values/);
  assert.match(refusal(`country:="${'x'.repeat(filterLimits.maxValueLength + 1)}"`), /longer than 200 characters/);
});

test('an expression built in code is checked like a parsed one', () => {
  assert.throws(() => checkFilter({ clauses: [{ field: 'tenant', operator: '=', value: 'globex' }] }, users), /tenant is not a field/);
  assert.throws(() => checkFilter({ clauses: [{ field: 'country', operator: '=', value: 'a`b' }] }, users), /backticks/);
  assert.throws(() => checkFilter({ clauses: [{ field: 'registeredAt', operator: '>', value: 'x' }] }, users), /takes a int64 value/);
  assert.throws(() => checkFilter({ clauses: [{ field: 'country', operator: 'in', values: [] }] }, users), /a list holds 1 to 50/);
});
