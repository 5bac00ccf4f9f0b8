import type { TSchema } from 'typebox';
import { pathPattern, type RouteContract } from './route-contract.ts';
import { compileCheck, type SchemaCheck } from './schema-problems.ts';
import { operationResponses } from './shared-responses.ts';

/** An answer as a client saw it. */
export interface ObservedAnswer {
  status: number;
  /** The Content-Type header, parameters included. */
  contentType: string | null;
  body: unknown;
  /** Its headers (a fetch `Headers`): those the response declares are checked when present. */
  headers?: { get(name: string): string | null };
}

const checks = new WeakMap<TSchema, SchemaCheck>();
const checkOf = (schema: TSchema) => checks.get(schema) ?? checks.set(schema, compileCheck(schema)).get(schema)!;

/** The contract whose method and path template a request's method and path (no query) fit. */
export function findContract(contracts: RouteContract[], method: string, path: string): RouteContract | undefined {
  return contracts.find((contract) => contract.method === method.toLowerCase() && pathPattern(contract.path).test(path));
}

/**
 * What is wrong with an answer against its contract: a status the contract does not declare, a
 * media type, a body or a declared header its response for that status does not allow. None when
 * it fits.
 */
export function answerProblems(contract: RouteContract, answer: ObservedAnswer): string[] {
  const response = operationResponses(contract)[String(answer.status)];
  const operation = `${contract.method.toUpperCase()} ${contract.path}`;
  if (!response) return [`${operation} does not declare the status ${answer.status}`];
  if (!response.body) return answer.body === undefined || answer.body === '' ? [] : [`${operation} ${answer.status} declares no body`];
  const mediaType = response.mediaType ?? 'application/json';
  const problems = answer.contentType?.split(';')[0]?.trim() === mediaType ? [] : [`${operation} ${answer.status} is ${mediaType}, not ${answer.contentType}`];
  const headerProblems = Object.entries(response.headers ?? {}).flatMap(([name, header]) => {
    const value = answer.headers?.get(name);
    return value === null || value === undefined ? [] : checkOf(header.schema).problems(value, `header.${name}`);
  });
  return [...problems, ...[...headerProblems, ...checkOf(response.body).problems(answer.body, 'body')].map((problem) => `${operation} ${answer.status}: ${problem.field} ${problem.message}`)];
}
