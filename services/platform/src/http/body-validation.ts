import { validationError, type FieldProblem } from '../errors/index.ts';

/** A declarative rule for one field of a JSON body or query string. */
export type FieldRule =
  | { type: 'string'; required?: boolean; pattern?: RegExp; patternHint?: string; minLength?: number; maxLength?: number }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'uuid'; required?: boolean };

type Value<R extends FieldRule> = R extends { type: 'integer' } ? number : string;
type Parsed<S extends Record<string, FieldRule>> = { [K in keyof S]: S[K] extends { required: false } ? Value<S[K]> | undefined : Value<S[K]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function check(rule: FieldRule, value: unknown): string | undefined {
  switch (rule.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'must be an integer';
      if (rule.min !== undefined && value < rule.min) return `must be at least ${rule.min}`;
      if (rule.max !== undefined && value > rule.max) return `must be at most ${rule.max}`;
      return undefined;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? undefined : 'must be a UUID';
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (rule.minLength !== undefined && value.length < rule.minLength) return `must have at least ${rule.minLength} characters`;
      if (rule.maxLength !== undefined && value.length > rule.maxLength) return `must have at most ${rule.maxLength} characters`;
      if (rule.pattern && !rule.pattern.test(value)) return rule.patternHint ?? `must match ${rule.pattern}`;
      return undefined;
  }
}

/**
 * Parses a JSON object against field rules; every wrong, missing or unknown field is reported
 * with its path (`body.amountMinor`), so a client fixes everything in one round.
 */
export function parseFields<S extends Record<string, FieldRule>>(input: unknown, rules: S, prefix = 'body'): Parsed<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw validationError([{ field: prefix, message: 'must be a JSON object' }]);
  }
  const source = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const output: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value = source[name];
    if (value === undefined || value === null) {
      if (rule.required !== false) problems.push({ field: `${prefix}.${name}`, message: 'is required' });
      continue;
    }
    const problem = check(rule, value);
    if (problem) problems.push({ field: `${prefix}.${name}`, message: problem });
    else output[name] = value;
  }
  for (const name of Object.keys(source)) {
    if (!(name in rules)) problems.push({ field: `${prefix}.${name}`, message: 'is not a known field' });
  }
  if (problems.length > 0) throw validationError(problems);
  return output as Parsed<S>;
}
