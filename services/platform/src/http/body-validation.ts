import { validationError, type FieldProblem } from '../errors/index.ts';

/** A declarative rule for one field of a JSON body or query string. */
export type FieldRule =
  | { type: 'string'; required?: boolean; pattern?: RegExp; patternHint?: string; minLength?: number; maxLength?: number }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'uuid'; required?: boolean }
  | { type: 'boolean'; required?: boolean }
  | { type: 'enum'; values: readonly string[]; required?: boolean }
  | { type: 'object'; fields: Record<string, FieldRule>; required?: boolean }
  | { type: 'array'; items: FieldRule; minItems?: number; maxItems?: number; required?: boolean };

type Value<R extends FieldRule> = R extends { type: 'integer' }
  ? number
  : R extends { type: 'boolean' }
    ? boolean
    : R extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : R extends { type: 'object'; fields: infer F extends Record<string, FieldRule> }
        ? Parsed<F>
        : R extends { type: 'array'; items: infer I extends FieldRule }
          ? Array<Value<I>>
          : string;
type Parsed<S extends Record<string, FieldRule>> = { [K in keyof S]: S[K] extends { required: false } ? Value<S[K]> | undefined : Value<S[K]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks one value; problems go to `problems` under `path`, the parsed value is returned. */
function checkValue(rule: FieldRule, value: unknown, path: string, problems: FieldProblem[]): unknown {
  const fail = (message: string) => void problems.push({ field: path, message });
  switch (rule.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail('must be an integer');
      if (rule.min !== undefined && value < rule.min) return fail(`must be at least ${rule.min}`);
      if (rule.max !== undefined && value > rule.max) return fail(`must be at most ${rule.max}`);
      return value;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? value : fail('must be a UUID');
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('must be true or false');
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value) ? value : fail(`must be one of ${rule.values.join(', ')}`);
    case 'string':
      if (typeof value !== 'string') return fail('must be a string');
      if (rule.minLength !== undefined && value.length < rule.minLength) return fail(`must have at least ${rule.minLength} characters`);
      if (rule.maxLength !== undefined && value.length > rule.maxLength) return fail(`must have at most ${rule.maxLength} characters`);
      if (rule.pattern && !rule.pattern.test(value)) return fail(rule.patternHint ?? `must match ${rule.pattern}`);
      return value;
    case 'object':
      return isObject(value) ? checkObject(rule.fields, value, path, problems) : fail('must be a JSON object');
    case 'array': {
      if (!Array.isArray(value)) return fail('must be a JSON array');
      if (rule.minItems !== undefined && value.length < rule.minItems) return fail(`must have at least ${rule.minItems} item(s)`);
      if (rule.maxItems !== undefined && value.length > rule.maxItems) return fail(`must have at most ${rule.maxItems} items`);
      return value.map((item, index) => checkValue(rule.items, item, `${path}[${index}]`, problems));
    }
  }
}

function checkObject(rules: Record<string, FieldRule>, source: Record<string, unknown>, prefix: string, problems: FieldProblem[]): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value = source[name];
    if (value === undefined || value === null) {
      if (rule.required !== false) problems.push({ field: `${prefix}.${name}`, message: 'is required' });
      continue;
    }
    output[name] = checkValue(rule, value, `${prefix}.${name}`, problems);
  }
  for (const name of Object.keys(source)) {
    // Own properties only: `constructor` or `__proto__` are not fields because every object inherits them.
    if (!Object.hasOwn(rules, name)) problems.push({ field: `${prefix}.${name}`, message: 'is not a known field' });
  }
  return output;
}

/**
 * Parses a JSON object against field rules; every wrong, missing or unknown field is reported
 * with its path (`body.amountMinor`, `body.preferences.language`, `body.documents[1].kind`), so a
 * client fixes everything in one round.
 */
export function parseFields<S extends Record<string, FieldRule>>(input: unknown, rules: S, prefix = 'body'): Parsed<S> {
  if (!isObject(input)) throw validationError([{ field: prefix, message: 'must be a JSON object' }]);
  const problems: FieldProblem[] = [];
  const output = checkObject(rules, input, prefix, problems);
  if (problems.length > 0) throw validationError(problems);
  return output as Parsed<S>;
}
