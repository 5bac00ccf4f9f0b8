import { validationError } from '../errors/index.ts';
import { filterableFields, isNumericType, type CollectionField, type CollectionSchema } from './collection-schema.ts';

export type FilterValue = string | number | boolean;
export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** One condition on one field; a filter holds when every clause holds. */
export type FilterClause =
  | { field: string; operator: ComparisonOperator; value: FilterValue }
  | { field: string; operator: 'in'; values: FilterValue[] };

/** A parsed client filter: a conjunction of clauses on the collection's filterable fields. */
export interface FilterExpression {
  clauses: FilterClause[];
}

export const filterLimits = {
  maxLength: 1_000, // characters of filter text
  maxClauses: 10,
  maxListValues: 50,
  maxValueLength: 200, // characters of one string value
} as const;

const PATH = 'query.filter';
const FIELD_NAME = /[A-Za-z][A-Za-z0-9_]*/y;
// Unquoted values: letters and digits of any script and a few separators, nothing with a meaning.
const BARE_VALUE = /[\p{L}\p{N}_\-.@+]+/uy;
const OPERATORS = ['!=', '>=', '<=', '=', '>', '<'] as const;
const RANGE_OPERATORS: ReadonlySet<string> = new Set(['>', '>=', '<', '<=']);
// Control characters mean nothing in a filter value, and a backtick cannot be written inside a
// Typesense string literal at all (its documentation gives no escape for it): both are refused.
const UNREPRESENTABLE = /[\u0000-\u001f\u007f`]/u;

function problem(message: string, position?: number): never {
  const where = position === undefined ? '' : ` (at character ${position + 1})`;
  throw validationError([{ field: PATH, message: `${message}${where}` }]);
}

/** Converts a scalar's text to the field's type, or fails naming the position. */
function typedValue(field: CollectionField, text: string, quoted: boolean, position: number): FilterValue {
  if (field.type === 'string') return text;
  if (quoted) problem(`${field.name} is a ${field.type} field: its value is not quoted`, position);
  if (field.type === 'bool') {
    if (text === 'true' || text === 'false') return text === 'true';
    problem(`${field.name} takes true or false, not "${text}"`, position);
  }
  const pattern = field.type === 'float' ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
  const number = Number(text);
  if (!pattern.test(text) || !Number.isFinite(number) || (field.type !== 'float' && !Number.isSafeInteger(number))) {
    problem(`${field.name} takes ${field.type === 'float' ? 'a number' : 'an integer'}, not "${text}"`, position);
  }
  if (field.type === 'int32' && (number < -(2 ** 31) || number >= 2 ** 31)) problem(`${field.name} is out of the int32 range`, position);
  return number;
}

class FilterParser {
  private index = 0;
  constructor(
    private readonly text: string,
    private readonly fields: Map<string, CollectionField>,
  ) {}

  private skipSpaces(): void {
    while (this.index < this.text.length && /\s/u.test(this.text[this.index]!)) this.index += 1;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.index;
    const found = pattern.exec(this.text)?.[0];
    if (found) this.index += found.length;
    return found;
  }

  private take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.index)) return false;
    this.index += literal.length;
    return true;
  }

  parse(): FilterExpression {
    const clauses: FilterClause[] = [];
    this.skipSpaces();
    if (this.index === this.text.length) return { clauses };
    for (;;) {
      if (clauses.length === filterLimits.maxClauses) problem(`has more than ${filterLimits.maxClauses} clauses`, this.index);
      clauses.push(this.clause());
      this.skipSpaces();
      if (this.index === this.text.length) return { clauses };
      if (this.text.startsWith('||', this.index)) problem('clauses are joined with && only', this.index);
      if (!this.take('&&')) problem('expected && between clauses', this.index);
      this.skipSpaces();
    }
  }

  private clause(): FilterClause {
    const start = this.index;
    const name = this.match(FIELD_NAME);
    if (!name) problem('expected a field name', start);
    const field = this.fields.get(name);
    if (!field) problem(`${name} is not a field that can be filtered on`, start);
    this.skipSpaces();
    if (!this.take(':')) problem(`expected : after ${name}`, this.index);
    this.skipSpaces();
    const operator = OPERATORS.find((candidate) => this.take(candidate));
    this.skipSpaces();
    if (this.text[this.index] === '[') {
      if (operator !== undefined && operator !== '=') problem('a list of values takes := or :', this.index);
      return { field: name, operator: 'in', values: this.list(field) };
    }
    if (operator === undefined) problem(`expected an operator (=, !=, >, >=, <, <=) or a list after ${name}:`, this.index);
    const position = this.index;
    if (RANGE_OPERATORS.has(operator) && !isNumericType(field.type)) problem(`${name} is a ${field.type} field: ${operator} needs a number field`, start);
    return { field: name, operator, value: this.scalar(field, position) };
  }

  private list(field: CollectionField): FilterValue[] {
    const open = this.index;
    this.index += 1;
    const values: FilterValue[] = [];
    for (;;) {
      this.skipSpaces();
      if (values.length === filterLimits.maxListValues) problem(`a list holds at most ${filterLimits.maxListValues} values`, this.index);
      values.push(this.scalar(field, this.index));
      this.skipSpaces();
      if (this.take(']')) return values;
      if (!this.take(',')) problem(`expected , or ] in the list opened at character ${open + 1}`, this.index);
    }
  }

  private scalar(field: CollectionField, position: number): FilterValue {
    if (this.text[this.index] === '"') return typedValue(field, this.quoted(), true, position);
    const bare = this.match(BARE_VALUE);
    if (!bare) problem(this.index === this.text.length ? 'expected a value' : `unexpected ${JSON.stringify(this.text[this.index])}`, this.index);
    return typedValue(field, bare, false, position);
  }

  /** A double-quoted value; `\"` and `\\` are its only escapes. */
  private quoted(): string {
    const open = this.index;
    this.index += 1;
    let value = '';
    while (this.index < this.text.length) {
      const char = this.text[this.index]!;
      if (char === '"') {
        this.index += 1;
        // Typesense drops an empty literal from a list and trims its values: either would make
        // the two backends answer differently, so neither is a value.
        if (value.trim() !== value || value === '') problem('a quoted value must not be empty, nor start or end with a space', open);
        return value;
      }
      if (char === '\\') {
        const next = this.text[this.index + 1];
        // A backslash reaches no backend: Typesense reads one before a backtick as an escape,
        // which would join a list's values.
        if (next !== '"') problem('only \\" may be escaped in a quoted value; a backslash cannot be filtered on', this.index);
        value += next;
        this.index += 2;
        continue;
      }
      if (UNREPRESENTABLE.test(char)) problem('backticks and control characters cannot be filtered on', this.index);
      value += char;
      this.index += 1;
    }
    problem('a quoted value is not closed', open);
  }
}

/**
 * Parses client filter text (`country:=FR && kycState:[approved,pending] && amountMinor:>=100`)
 * into a FilterExpression checked against the collection: unknown or unfilterable fields, wrong
 * types and malformed text are a validation error on `query.filter` naming the position.
 */
export function parseFilter(text: string, schema: CollectionSchema): FilterExpression {
  if (text.length > filterLimits.maxLength) problem(`is longer than ${filterLimits.maxLength} characters`);
  const fields = new Map(filterableFields(schema).map((field) => [field.name, field]));
  const expression = new FilterParser(text, fields).parse();
  checkFilter(expression, schema);
  return expression;
}

function checkValue(field: CollectionField, value: FilterValue): void {
  const expected = field.type === 'string' ? 'string' : field.type === 'bool' ? 'boolean' : 'number';
  if (typeof value !== expected) problem(`${field.name} takes a ${field.type} value`);
  if (typeof value === 'number' && (!Number.isFinite(value) || (field.type !== 'float' && !Number.isSafeInteger(value)))) problem(`${field.name} takes an integer`);
  if (typeof value === 'string') {
    if (value.length > filterLimits.maxValueLength) problem(`a value of ${field.name} is longer than ${filterLimits.maxValueLength} characters`);
    if (UNREPRESENTABLE.test(value)) problem('backticks and control characters cannot be filtered on');
  }
}

/**
 * Checks a FilterExpression however it was built (parsed or written in code) before any backend
 * sees it: every field filterable in the collection, every operator and value fitting the type.
 */
export function checkFilter(expression: FilterExpression, schema: CollectionSchema): void {
  const fields = new Map(filterableFields(schema).map((field) => [field.name, field]));
  if (expression.clauses.length > filterLimits.maxClauses) problem(`has more than ${filterLimits.maxClauses} clauses`);
  for (const clause of expression.clauses) {
    const field = fields.get(clause.field);
    if (!field) problem(`${clause.field} is not a field that can be filtered on`);
    if (clause.operator === 'in') {
      if (clause.values.length === 0 || clause.values.length > filterLimits.maxListValues) problem(`a list holds 1 to ${filterLimits.maxListValues} values`);
      clause.values.forEach((value) => checkValue(field, value));
    } else {
      if (!OPERATORS.includes(clause.operator)) problem(`unknown operator ${String(clause.operator)}`);
      if (RANGE_OPERATORS.has(clause.operator) && !isNumericType(field.type)) problem(`${field.name} is a ${field.type} field: ${clause.operator} needs a number field`);
      checkValue(field, clause.value);
    }
  }
}
