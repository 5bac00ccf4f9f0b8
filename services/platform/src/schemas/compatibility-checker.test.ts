import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompatibility, formatProblem } from './compatibility-checker.ts';

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };

const record = (fields: Field[], name = 'FundsCredited', extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name,
  namespace: 'thalweg.ledger',
  fields,
  ...extra,
});

const base: Field[] = [
  { name: 'walletId', type: { type: 'string', logicalType: 'uuid' } },
  { name: 'amountMinor', type: 'long' },
  { name: 'creditedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
];

const messages = (reader: unknown, writer: unknown, perspective?: 'reader-new' | 'reader-old') =>
  checkCompatibility(reader as never, writer as never, perspective ? { perspective } : {}).map(formatProblem);

test('identical schemas are compatible both ways', () => {
  assert.deepEqual(messages(record(base), record(base)), []);
});

test('a field added with a default is compatible both ways', () => {
  const next = record([...base, { name: 'reference', type: 'string', default: '' }]);
  assert.deepEqual(messages(next, record(base)), [], 'new reader, old data: the default fills in');
  assert.deepEqual(messages(record(base), next), [], 'old reader, new data: the field is skipped');
});

test('an optional field added as a null union with default null is compatible both ways', () => {
  const next = record([...base, { name: 'note', type: ['null', 'string'], default: null }]);
  assert.deepEqual(messages(next, record(base)), []);
  assert.deepEqual(messages(record(base), next), []);
});

test('a field added without a default is refused backward and names the field', () => {
  const next = record([...base, { name: 'reference', type: 'string' }]);
  const [problem, ...rest] = checkCompatibility(next, record(base), { perspective: 'reader-new' });
  assert.equal(rest.length, 0);
  assert.equal(problem?.path, 'FundsCredited.reference');
  assert.equal(problem?.kind, 'missing-default');
  assert.match(formatProblem(problem!), /^FundsCredited\.reference: field "reference" added without a default/);
  assert.deepEqual(messages(record(base), next), [], 'forward it is fine: old readers skip it');
});

test('a field removed that the old schema has no default for is refused forward', () => {
  const next = record(base.filter((field) => field.name !== 'amountMinor'));
  assert.deepEqual(messages(next, record(base)), [], 'backward it is fine: the new reader skips it');
  const forward = messages(record(base), next, 'reader-old');
  assert.equal(forward.length, 1);
  assert.match(forward[0]!, /^FundsCredited\.amountMinor: field "amountMinor" removed, but the old schema has no default/);
});

test('a field removed that had a default is compatible both ways', () => {
  const old = record([...base, { name: 'channel', type: 'string', default: 'web' }]);
  assert.deepEqual(messages(record(base), old), []);
  assert.deepEqual(messages(old, record(base)), []);
});

test('a type change names the field and both types', () => {
  const next = record(base.map((field) => (field.name === 'amountMinor' ? { ...field, type: 'string' } : field)));
  assert.deepEqual(messages(next, record(base), 'reader-new'), [
    'FundsCredited.amountMinor: type changed from long to string (the new schema cannot read data written with the old one)',
  ]);
  const [problem] = checkCompatibility(record(base), next, { perspective: 'reader-old' });
  assert.equal(problem?.path, 'FundsCredited.amountMinor');
  assert.match(problem!.message, /^type changed from long to string/);
  assert.deepEqual(messages(next, record(base)), ['FundsCredited.amountMinor: reader type string cannot read writer type long']);
});

test('numeric promotions widen only: int→long→float→double', () => {
  const withType = (type: string) => record([{ name: 'n', type }]);
  const order = ['int', 'long', 'float', 'double'];
  for (const [i, writer] of order.entries()) {
    for (const [j, reader] of order.entries()) {
      const problems = checkCompatibility(withType(reader), withType(writer));
      if (j >= i) assert.deepEqual(problems, [], `${reader} reads ${writer}`);
      else assert.equal(problems[0]?.kind, 'type-mismatch', `${reader} cannot read ${writer}`);
    }
  }
});

test('string and bytes read each other; boolean reads neither', () => {
  const withType = (type: string) => record([{ name: 'v', type }]);
  assert.deepEqual(messages(withType('bytes'), withType('string')), []);
  assert.deepEqual(messages(withType('string'), withType('bytes')), []);
  assert.equal(messages(withType('boolean'), withType('string')).length, 1);
});

test('logical types resolve as their underlying types', () => {
  const millis = record([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }]);
  const plain = record([{ name: 'at', type: 'long' }]);
  assert.deepEqual(messages(millis, plain), []);
  assert.deepEqual(messages(plain, millis), []);
});

test('an enum symbol removed is refused backward; added is refused forward unless the reader has a default', () => {
  const enumOf = (symbols: string[], extra: Record<string, unknown> = {}) =>
    record([{ name: 'status', type: { type: 'enum', name: 'Status', symbols, ...extra } }], 'WalletStatusChanged');
  const old = enumOf(['OPEN', 'FROZEN', 'CLOSED']);
  const fewer = enumOf(['OPEN', 'CLOSED']);
  assert.deepEqual(messages(fewer, old, 'reader-new'), [
    'WalletStatusChanged.status: enum symbol "FROZEN" removed (the new schema cannot read data written with the old one)',
  ]);
  assert.deepEqual(messages(old, fewer), [], 'old readers know every remaining symbol');
  assert.match(messages(fewer, old, 'reader-old')[0] ?? '', /enum symbol "FROZEN" added without an enum default/);
  const fewerWithDefault = enumOf(['OPEN', 'CLOSED'], { default: 'OPEN' });
  assert.deepEqual(messages(fewerWithDefault, old), [], 'unknown symbols resolve to the reader default');
});

test('union changes: removing a branch is refused backward, adding one is refused forward', () => {
  const optional = record([{ name: 'note', type: ['null', 'string'], default: null }]);
  const required = record([{ name: 'note', type: 'string' }]);
  assert.deepEqual(messages(required, optional, 'reader-new'), [
    'FundsCredited.note: union branch null removed (the new schema cannot read data written with the old one)',
  ]);
  assert.deepEqual(messages(optional, required), [], 'the union reads plain strings');
  const wider = record([{ name: 'note', type: ['null', 'string', 'long'], default: null }]);
  assert.deepEqual(messages(wider, optional), []);
  assert.deepEqual(messages(optional, wider, 'reader-old'), [
    'FundsCredited.note: union branch long added (readers on the old schema cannot read data written with the new one)',
  ]);
});

test('a union branch is matched by promotion when no exact branch exists', () => {
  const reader = record([{ name: 'n', type: ['null', 'double'], default: null }]);
  const writer = record([{ name: 'n', type: 'int' }]);
  assert.deepEqual(messages(reader, writer), []);
  const noMatch = record([{ name: 'n', type: ['null', 'string'], default: null }]);
  assert.deepEqual(messages(noMatch, writer), ['FundsCredited.n: reader type union[null, string] cannot read writer type int']);
});

test('nested records, arrays and maps name the inner path', () => {
  const line = (amountType: string) => ({ type: 'record', name: 'Line', fields: [{ name: 'amount', type: amountType }] });
  const withLines = (amountType: string) => record([{ name: 'lines', type: { type: 'array', items: line(amountType) } }], 'Order');
  assert.deepEqual(messages(withLines('string'), withLines('long')), ['Order.lines[].amount: reader type string cannot read writer type long']);
  const withMap = (valueType: string) => record([{ name: 'tags', type: { type: 'map', values: valueType } }], 'Order');
  assert.deepEqual(messages(withMap('boolean'), withMap('string')), ['Order.tags{}: reader type boolean cannot read writer type string']);
  assert.deepEqual(messages(withMap('double'), withMap('int')), []);
});

test('fixed sizes must match', () => {
  const withFixed = (size: number) => record([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size } }]);
  assert.deepEqual(messages(withFixed(16), withFixed(16)), []);
  assert.deepEqual(messages(withFixed(32), withFixed(16), 'reader-new'), ['FundsCredited.hash: fixed size changed from 16 to 32']);
});

test('a renamed record is refused unless the reader aliases the old name', () => {
  const renamed = record(base, 'MoneyCredited');
  const [problem] = checkCompatibility(renamed, record(base));
  assert.equal(problem?.kind, 'name-mismatch');
  const aliased = record(base, 'MoneyCredited', { aliases: ['thalweg.ledger.FundsCredited'] });
  assert.deepEqual(messages(aliased, record(base)), []);
});

test('a renamed field is read through the reader field alias', () => {
  const renamed = record(base.map((field) => (field.name === 'amountMinor' ? { ...field, name: 'amount', aliases: ['amountMinor'] } : field)));
  assert.deepEqual(messages(renamed, record(base)), []);
  const withoutAlias = record(base.map((field) => (field.name === 'amountMinor' ? { ...field, name: 'amount' } : field)));
  assert.deepEqual(messages(withoutAlias, record(base)), ['FundsCredited.amount: reader field "amount" has no default and the writer does not have it']);
});

test('recursive types terminate', () => {
  const node = (valueType: string) => ({
    type: 'record',
    name: 'Node',
    fields: [
      { name: 'value', type: valueType },
      { name: 'next', type: ['null', 'Node'], default: null },
    ],
  });
  assert.deepEqual(messages(node('long'), node('int')), []);
  assert.deepEqual(messages(node('int'), node('long')), ['Node.value: reader type int cannot read writer type long']);
});

test('schemas may be given as JSON text', () => {
  assert.deepEqual(messages(JSON.stringify(record(base)), JSON.stringify(record(base))), []);
  assert.deepEqual(messages('"long"', '"int"'), []);
});
