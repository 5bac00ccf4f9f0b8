import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterError, isNarrowed, parseFilter, select } from './dead-letter-filters.ts';
import type { DeadLetter } from './dead-letter-record.ts';

const now = new Date('2026-12-01T12:00:00Z');
const letter = (partition: number, offset: string, code: string, time: string) => ({ at: { topic: 't.a.v1.g.dlq', partition, offset }, code, time: new Date(time) }) as DeadLetter;
const letters = [
  letter(0, '0', 'THALWEG_SCHEMA_NOT_FOUND', '2026-12-01T09:00:00Z'),
  letter(0, '1', 'THALWEG_EVENT_REJECTED', '2026-12-01T10:30:00Z'),
  letter(1, '5', 'THALWEG_SCHEMA_NOT_FOUND', '2026-12-01T11:30:00Z'),
];
const at = (chosen: DeadLetter[]) => chosen.map(({ at: { partition, offset } }) => `${partition}@${offset}`);

test('codes, a time range, a partition and an offset range narrow the choice; a limit caps it', () => {
  assert.deepEqual(at(select(parseFilter({ code: ['THALWEG_SCHEMA_NOT_FOUND'] }, now), letters)), ['0@0', '1@5']);
  assert.deepEqual(at(select(parseFilter({ since: '2h' }, now), letters)), ['0@1', '1@5']);
  assert.deepEqual(at(select(parseFilter({ since: '2026-12-01T09:30:00Z', until: '2026-12-01T11:00:00Z' }, now), letters)), ['0@1']);
  assert.deepEqual(at(select(parseFilter({ partition: '0', offset: '1-9' }, now), letters)), ['0@1']);
  assert.deepEqual(at(select(parseFilter({ offset: '5' }, now), letters)), ['1@5']);
  assert.deepEqual(at(select(parseFilter({ limit: '2' }, now), letters)), ['0@0', '0@1']);
  assert.equal(isNarrowed(parseFilter({}, now)), false);
  assert.equal(isNarrowed(parseFilter({ partition: '0' }, now)), true);
});

test('bad filter input is refused with the option named', () => {
  assert.throws(() => parseFilter({ since: 'yesterday' }, now), (error: Error) => error instanceof FilterError && /--since "yesterday"/.test(error.message));
  assert.throws(() => parseFilter({ offset: '9-3' }, now), /ends before it begins/);
  assert.throws(() => parseFilter({ offset: 'x' }, now), /--offset "x"/);
  assert.throws(() => parseFilter({ limit: '0' }, now), /--limit "0": expected an integer of at least 1/);
  assert.throws(() => parseFilter({ since: '1h', until: '2h' }, now), /--until is before --since/);
});
