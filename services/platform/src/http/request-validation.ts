import type { Request } from 'express';
import type { TObject } from 'typebox';
import { validationError, type FieldProblem } from '../errors/index.ts';
import type { ContractInput, RouteContract } from './route-contract.ts';
import { compileCheck, type SchemaCheck } from './schema-problems.ts';

// Parameters travel as text; one declared as an integer, a number or a boolean is read as one
// only when the text is exactly that (`1e2`, `007` or `yes` stay text, and are refused as such).
const TEXT_READERS: Record<string, (text: string) => unknown> = {
  integer: (text) => (/^-?(0|[1-9]\d*)$/.test(text) ? Number(text) : text),
  number: (text) => (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text) ? Number(text) : text),
  boolean: (text) => (text === 'true' ? true : text === 'false' ? false : text),
};

function readText(schema: TObject, values: Record<string, unknown>): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = (schema.properties[name] as { type?: unknown } | undefined)?.type;
    const reader = typeof type === 'string' ? TEXT_READERS[type] : undefined;
    read[name] = reader && typeof value === 'string' ? reader(value) : value;
  }
  return read;
}

/** The declared headers only (a request has many others), under their declared names. */
function declaredHeaders(schema: TObject, request: Request): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = request.header(name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

interface PartCheck {
  prefix: string;
  check: SchemaCheck;
  value(request: Request): unknown;
}

/**
 * The request check of a contract, compiled once: every wrong, missing or unknown field of the
 * path, query, headers and body is named with its path (`path.walletId`, `query.limit`,
 * `header.Idempotency-Key`, `body.documents[1].kind`) in one 400, so a client fixes all in one round.
 */
export function requestValidator<C extends RouteContract>(contract: C): (request: Request) => ContractInput<C> {
  const parts: Array<[keyof ContractInput<C>, PartCheck]> = [];
  if (contract.params) {
    const schema = contract.params;
    parts.push(['params', { prefix: 'path', check: compileCheck(schema), value: (request) => readText(schema, request.params as Record<string, unknown>) }]);
  }
  if (contract.query) {
    const schema = contract.query;
    parts.push(['query', { prefix: 'query', check: compileCheck(schema), value: (request) => readText(schema, { ...(request.query as Record<string, unknown>) }) }]);
  }
  if (contract.headers) {
    const schema = contract.headers;
    parts.push(['headers', { prefix: 'header', check: compileCheck(schema), value: (request) => readText(schema, declaredHeaders(schema, request)) }]);
  }
  if (contract.body) parts.push(['body', { prefix: 'body', check: compileCheck(contract.body), value: (request) => request.body as unknown }]);
  return (request) => {
    const input: Record<string, unknown> = { params: {}, query: {}, headers: {}, body: {} };
    const problems: FieldProblem[] = [];
    for (const [name, part] of parts) {
      const value = part.value(request);
      problems.push(...part.check.problems(value, part.prefix));
      input[name] = value;
    }
    if (problems.length > 0) throw validationError(problems);
    return input as unknown as ContractInput<C>;
  };
}
