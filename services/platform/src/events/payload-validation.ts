import type avro from 'avsc';
import { validationError, type FieldProblem } from '../errors/index.ts';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : 'a date';
  const text = JSON.stringify(value);
  return text && text.length > 40 ? `${typeof value} ${text.slice(0, 40)}…` : `${typeof value} ${text}`;
}

function expected(type: avro.Type): string {
  const name = type.typeName.replace(/^logical:/, '');
  return name === 'timestamp-millis' ? 'a timestamp (Date)' : name;
}

/**
 * Checks a payload against its Avro type and names every field at fault by its path
 * (`amountMinor`, `preferences.language`); extra fields are faults too.
 */
export function checkPayload(type: avro.Type, payload: unknown, prefix = ''): FieldProblem[] {
  // The common case first: a valid payload is checked without collecting paths.
  if (type.isValid(payload, { noUndeclaredFields: true })) return [];
  const problems: FieldProblem[] = [];
  type.isValid(payload, {
    noUndeclaredFields: true,
    errorHook(path: string[], value: unknown, faultyType: avro.Type) {
      const field = [prefix, ...path].filter(Boolean).join('.') || '(payload)';
      if (faultyType.typeName === 'record' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const declared = new Set((faultyType as avro.types.RecordType).fields.map((candidate) => candidate.name));
        const extra = Object.keys(value).filter((key) => !declared.has(key));
        for (const key of extra) problems.push({ field: [field === '(payload)' ? '' : field, key].filter(Boolean).join('.'), message: 'is not a field of this event' });
        if (extra.length > 0) return;
      }
      problems.push({ field, message: `expected ${expected(faultyType)}, got ${describe(value)}` });
    },
  });
  return problems;
}

/** Throws THALWEG_VALIDATION_FAILED naming the fields when the payload does not fit its type. */
export function assertPayload(type: avro.Type, payload: unknown, prefix = ''): void {
  const problems = checkPayload(type, payload, prefix);
  if (problems.length > 0) throw validationError(problems);
}
