import type { TObject, TSchema } from 'typebox';
import { problemSchema } from './problem-schema.ts';
import type { ResponseContract, RouteContract } from './route-contract.ts';
import { guardedResponses, inputResponses, operationResponses } from './shared-responses.ts';

export interface OpenapiDocumentOptions {
  title: string;
  version: string;
  description: string;
  servers: string[];
  contracts: RouteContract[];
  /** Schemas shown once under components and referenced wherever a contract uses that very schema. */
  schemas?: Record<string, TSchema>;
}

type Json = Record<string, unknown>;

const SHARED_RESPONSES: Record<string, ResponseContract> = {
  Unauthenticated: guardedResponses['401'],
  Forbidden: guardedResponses['403'],
  RateLimited: guardedResponses['429'],
  Unavailable: guardedResponses['503'],
  ValidationFailed: inputResponses['400'],
  PayloadTooLarge: inputResponses['413'],
  UnsupportedMediaType: inputResponses['415'],
};

const PARAMETER_LOCATIONS = [
  ['params', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
] as const;

/** The parameter names a link may set on an operation: plain, or qualified by their location (`header.Consistency-Token`). */
function parameterNames(contract: RouteContract): string[] {
  return PARAMETER_LOCATIONS.flatMap(([part, location]) => Object.keys(contract[part]?.properties ?? {}).flatMap((name) => [name, `${location}.${name}`]));
}

/** A link to an operation of the same document must name one, and only parameters it has. */
function checkLinks(contracts: RouteContract[]): void {
  const byId = new Map(contracts.map((contract) => [contract.operationId, contract]));
  for (const contract of contracts) {
    for (const [status, response] of Object.entries(contract.responses)) {
      for (const [name, link] of Object.entries(response.links ?? {})) {
        const target = byId.get(link.operationId);
        const where = `${contract.operationId} ${status} link ${name}`;
        if (!target) throw new Error(`${where}: no operation ${link.operationId} in this document`);
        const unknown = Object.keys(link.parameters).filter((parameter) => !parameterNames(target).includes(parameter));
        if (unknown.length > 0) throw new Error(`${where}: ${link.operationId} has no parameter ${unknown.join(', ')}`);
      }
    }
  }
}

/**
 * The OpenAPI 3.1 document of an API, from its contracts. Its schema objects are the contracts'
 * TypeBox schemas as they are (JSON Schema 2020-12 is OpenAPI 3.1's schema dialect): what the
 * document says is what the routes check. A schema named in `schemas` (and the problem document)
 * appears once under components, referenced where contracts use it.
 */
export function openapiDocument({ title, version, description, servers, contracts, schemas = {} }: OpenapiDocumentOptions): Json {
  const named = new Map<unknown, string>([[problemSchema, 'Problem'], ...Object.entries(schemas).map(([name, schema]) => [schema, name] as const)]);
  const sharedNames = new Map<ResponseContract, string>(Object.entries(SHARED_RESPONSES).map(([name, response]) => [response, name]));

  const emit = (schema: unknown, root?: unknown): unknown => {
    if (schema !== root && named.has(schema)) return { $ref: `#/components/schemas/${named.get(schema)}` };
    if (Array.isArray(schema)) return schema.map((item) => emit(item));
    if (schema === null || typeof schema !== 'object') return schema;
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, emit(value)]));
  };

  const inline = (response: ResponseContract): Json => ({
      description: response.description,
      ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, header]) => [name, { ...(header.description ? { description: header.description } : {}), schema: emit(header.schema) }])) } : {}),
      ...(response.body ? { content: { [response.mediaType ?? 'application/json']: { schema: emit(response.body) } } } : {}),
      ...(response.links ? { links: response.links } : {}),
  });
  const emitResponse = (response: ResponseContract): Json => {
    const shared = sharedNames.get(response);
    if (shared) return { $ref: `#/components/responses/${shared}` };
    if (response.body === problemSchema && !response.headers && !response.links) return { $ref: '#/components/responses/Problem', description: response.description };
    return inline(response);
  };

  const parameters = (contract: RouteContract) =>
    PARAMETER_LOCATIONS.flatMap(([part, location]) => {
      const object: TObject | undefined = contract[part];
      if (!object) return [];
      return Object.entries(object.properties).map(([name, schema]) => ({
        name,
        in: location,
        required: location === 'path' || (object.required as string[] | undefined)?.includes(name) === true,
        ...((schema as { description?: string }).description ? { description: (schema as { description?: string }).description } : {}),
        schema: emit(schema),
      }));
    });

  checkLinks(contracts);
  const paths: Record<string, Json> = {};
  for (const contract of contracts) {
    const operations = (paths[contract.path] ??= {});
    if (operations[contract.method]) throw new Error(`${contract.method.toUpperCase()} ${contract.path} is declared twice`);
    const responses = operationResponses(contract);
    operations[contract.method] = {
      operationId: contract.operationId,
      summary: contract.summary,
      ...(contract.description ? { description: contract.description } : {}),
      parameters: parameters(contract),
      ...(contract.body ? { requestBody: { required: true, content: { 'application/json': { schema: emit(contract.body) } } } } : {}),
      responses: Object.fromEntries(Object.keys(responses).sort().map((status) => [status, emitResponse(responses[status]!)])),
    };
  }

  return {
    openapi: '3.1.0',
    info: { title, version, description },
    servers: servers.map((url) => ({ url })),
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: Object.fromEntries([...named].map(([schema, name]) => [name, emit(schema, schema)])),
      responses: {
        Problem: { description: 'A problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        ...Object.fromEntries(Object.entries(SHARED_RESPONSES).map(([name, response]) => [name, inline(response)])),
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Keycloak access token (realm thalweg) whose audience includes thalweg-api.' },
      },
    },
  };
}
