import type { Static, TObject, TSchema } from 'typebox';

/** Every contract's path is under the prefix the service app mounts its routes at. */
export const API_PREFIX = '/v1';

/** A response header, as OpenAPI writes it. */
export interface HeaderContract {
  description?: string;
  schema: TSchema;
}

/**
 * An OpenAPI link: what a client (or a stateful fuzzer) may call next with values of this answer,
 * an operation of the same document. Reads live in the query API's document, served at an address
 * of its own deployment: the answers name them in their descriptions instead.
 */
export interface LinkContract {
  description?: string;
  operationId: string;
  parameters: Record<string, string>;
}

export interface ResponseContract {
  description: string;
  /** The answer's body; none for an answer without one. */
  body?: TSchema;
  /** `application/json` unless said otherwise (problems are `application/problem+json`). */
  mediaType?: string;
  headers?: Record<string, HeaderContract>;
  links?: Record<string, LinkContract>;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One HTTP operation, declared once: the request's parts as TypeBox schemas (JSON Schema 2020-12,
 * what OpenAPI 3.1 embeds) and every answer it gives. The route validates against it and the
 * OpenAPI document is built from it. `params`, `query` and `headers` are objects whose properties
 * are the parameters (headers by their canonical names, `Idempotency-Key`); an optional property
 * is an optional parameter.
 */
export interface RouteContract {
  method: HttpMethod;
  /** The OpenAPI path template: `/v1/wallets/{walletId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  params?: TObject;
  query?: TObject;
  headers?: TObject;
  body?: TObject;
  /** By status code; the guarded answers every /v1 route may give (401, 403, 429, 503) and the input ones (400, 413, 415) are added. */
  responses: Record<string, ResponseContract>;
}

type Part<S> = S extends TSchema ? Static<S> : Record<string, never>;

/** What a route's handler receives: each declared part, validated and typed from its schema. */
export interface ContractInput<C extends RouteContract> {
  params: Part<C['params']>;
  query: Part<C['query']>;
  headers: Part<C['headers']>;
  body: Part<C['body']>;
}

/** The paths an OpenAPI path template stands for: `/v1/wallets/{walletId}` takes `/v1/wallets/w-1`, not `/v1/wallets/w-1/entries`. */
export function pathPattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

/** Declares a contract; the literal's schema types are kept for the handler's input. */
export function routeContract<const C extends RouteContract>(contract: C): C {
  if (!contract.path.startsWith(`${API_PREFIX}/`)) throw new Error(`${contract.operationId}: a contract's path is under ${API_PREFIX}/, not ${contract.path}`);
  const templated = [...contract.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!).sort();
  const declared = Object.keys(contract.params?.properties ?? {}).sort();
  if (templated.join() !== declared.join()) throw new Error(`${contract.operationId}: the path's parameters (${templated.join(', ')}) are not the declared params (${declared.join(', ')})`);
  return contract;
}
