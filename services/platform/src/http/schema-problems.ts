import type { TSchema } from 'typebox';
import Compile from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { Settings } from 'typebox/system';
import type { FieldProblem } from '../errors/index.ts';

// TypeBox buffers 8 errors by default; a request names every wrong field, so the bound is raised
// to what the largest contract (ten KYC documents of two fields, beside the body's own) can have.
Settings.Set({ maxErrors: 64 });

/**
 * The keyword a pattern's message is read from: a pattern alone tells a client nothing, the hint
 * says what is expected ("must be an ISO 4217 code such as EUR"). An OpenAPI 3.1 schema may carry
 * `x-` extensions; JSON Schema validators ignore them.
 */
export const PATTERN_HINT = 'x-pattern-hint';

/**
 * The keyword a conditional rule's problem is read from, on the `then` or `else` branch of an
 * `if`: which field the rule is about and what it asks ("a submission needs at least one
 * document"). A failed branch is reported by the validator as the whole object not matching it.
 */
export const CONDITION_RULE = 'x-rule';

export interface ConditionRule {
  field: string;
  message: string;
}

type RuleBranch = ConditionRule & { schema: Record<string, unknown> };

/**
 * A rule of an object that holds under a condition on another of its fields (JSON Schema's
 * `if`/`then`/`else`, for an `allOf`), each branch with the problem its failure is reported as.
 */
export function conditionalRule(condition: Record<string, unknown>, then: RuleBranch, otherwise?: RuleBranch): Record<string, unknown> {
  const branch = ({ schema, field, message }: RuleBranch) => ({ ...schema, [CONDITION_RULE]: { field, message } });
  return { if: condition, then: branch(then), ...(otherwise ? { else: branch(otherwise) } : {}) };
}

const TYPE_MESSAGES: Record<string, string> = {
  integer: 'must be an integer',
  number: 'must be a number',
  string: 'must be a string',
  boolean: 'must be true or false',
  object: 'must be a JSON object',
  array: 'must be a JSON array',
  null: 'must be null',
};

const FORMAT_MESSAGES: Record<string, string> = {
  uuid: 'must be a UUID',
  email: 'must be an email address',
  'date-time': 'must be an RFC 3339 date-time',
  uri: 'must be a URI',
};

/** `/documents/1/kind` under `body` is `body.documents[1].kind`. */
function fieldPath(prefix: string, pointer: string): string {
  if (pointer === '') return prefix;
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, segment) => (/^(0|[1-9]\d*)$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`), prefix);
}

/** The schema a JSON pointer such as `#/properties/currency` names within `root`. */
function schemaAt(root: TSchema, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const segment of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  return node as Record<string, unknown> | undefined;
}

function messageOf(error: TLocalizedValidationError, root: TSchema): string {
  const params = error.params as Record<string, unknown>;
  const limit = params.limit as number;
  switch (error.keyword) {
    case 'type':
      return TYPE_MESSAGES[String(params.type)] ?? error.message;
    case 'format':
      return FORMAT_MESSAGES[String(params.format)] ?? `must be a ${String(params.format)}`;
    case 'pattern':
      return String(schemaAt(root, error.schemaPath)?.[PATTERN_HINT] ?? `must match ${String(params.pattern)}`);
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} characters`;
    case 'maxLength':
      return `must have at most ${limit} characters`;
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'minItems':
      return `must have at least ${limit} item(s)`;
    case 'maxItems':
      return `must have at most ${limit} items`;
    case 'minProperties':
      return `must have at least ${limit} field(s)`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'anyOf':
      return 'matches none of the forms allowed here';
    default:
      return error.message;
  }
}

/** Branch errors of an `anyOf`, or of a conditional rule, are noise beside the one problem that names what is wrong. */
const underBranch = (error: TLocalizedValidationError, errors: TLocalizedValidationError[]) =>
  errors.some(
    (other) =>
      other !== error &&
      ((other.keyword === 'anyOf' && error.schemaPath.startsWith(`${other.schemaPath}/anyOf/`)) ||
        (other.keyword === 'if' && (error.schemaPath.startsWith(`${other.schemaPath}/then/`) || error.schemaPath.startsWith(`${other.schemaPath}/else/`)))),
  );

/** TypeBox's errors as Thalweg's field problems: one per wrong, missing or unknown field, each with its path. */
function fieldProblems(root: TSchema, errors: TLocalizedValidationError[], prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const path = fieldPath(prefix, error.instancePath);
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') {
      for (const name of params.requiredProperties as string[]) problems.push({ field: `${path}.${name}`, message: 'is required' });
    } else if (error.keyword === 'additionalProperties') {
      for (const name of params.additionalProperties as string[]) problems.push({ field: `${path}.${name}`, message: 'is not a known field' });
    } else if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) {
      // The same unknown field, reported again by the `false` schema it met: named once above.
    } else if (error.keyword === 'if') {
      const rule = schemaAt(root, `${error.schemaPath}/${String(params.failingKeyword)}`)?.[CONDITION_RULE] as ConditionRule | undefined;
      problems.push(rule ? { field: `${path}.${rule.field}`, message: rule.message } : { field: path, message: error.message });
    } else if (!underBranch(error, errors)) {
      problems.push({ field: path, message: messageOf(error, root) });
    }
  }
  // One problem a field: a value that breaks two keywords (a format and a pattern) is one thing to fix.
  return problems.filter((problem, index) => problems.findIndex((other) => other.field === problem.field) === index);
}

/** A compiled check of one schema: the problems of a value under `prefix`, none when it fits. */
export interface SchemaCheck {
  problems(value: unknown, prefix: string): FieldProblem[];
}

export function compileCheck(schema: TSchema): SchemaCheck {
  const validator = Compile(schema);
  return { problems: (value, prefix) => (validator.Check(value) ? [] : fieldProblems(schema, validator.Errors(value), prefix)) };
}
