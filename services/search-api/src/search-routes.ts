import Type from 'typebox';
import type { AccessControl } from '@thalweg/platform/auth';
import { contractRoute, routeContract } from '@thalweg/platform/http';
import { searchLimits, type CollectionField, type CollectionSchema, type SearchDocument, type SearchIndex } from '@thalweg/platform/search';
import { searchParamsSchema, toSearchQuery } from './search-params.ts';

export interface SearchRouteDependencies {
  index: SearchIndex;
  access: AccessControl;
}

const FIELD_SCHEMAS = { string: () => Type.String(), int32: () => Type.Integer(), int64: () => Type.Integer(), float: () => Type.Number(), bool: () => Type.Boolean() };

const fieldSchema = (field: CollectionField) => (field.optional ? Type.Optional(FIELD_SCHEMAS[field.type]()) : FIELD_SCHEMAS[field.type]());

const capitalized = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

/** A hit as clients see it: the id and the collection's declared fields, nothing a backend adds. */
export function hitSchema(schema: CollectionSchema) {
  return Type.Object({ id: Type.String(), ...Object.fromEntries(schema.fields.map((field) => [field.name, fieldSchema(field)])) }, { additionalProperties: false });
}

/** `GET /v1/search/<collection>`, with the collection's own parameters and hits. */
export function searchContract(schema: CollectionSchema) {
  return routeContract({
    method: 'get',
    path: `/v1/search/${schema.name}`,
    operationId: `search${capitalized(schema.name)}`,
    summary: `Search ${schema.name}`,
    description: `Within the tenants the policy grants (action search:${schema.name}); unknown query parameters are refused (400).`,
    query: searchParamsSchema(schema),
    responses: {
      '200': {
        description: 'One page of hits, with facet counts',
        body: Type.Object(
          {
            found: Type.Integer({ minimum: 0 }),
            page: Type.Integer({ minimum: 1 }),
            perPage: Type.Integer({ minimum: 1 }),
            hits: Type.Array(hitSchema(schema)),
            facets: Type.Record(Type.String(), Type.Array(Type.Object({ value: Type.String(), count: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }))),
          },
          { additionalProperties: false },
        ),
      },
    },
  });
}

function publicDocument(schema: CollectionSchema, document: SearchDocument): Record<string, unknown> {
  const view: Record<string, unknown> = { id: document.id };
  for (const field of schema.fields) if (document[field.name] !== undefined) view[field.name] = document[field.name];
  return view;
}

/** One route per collection, each under /search/<name> with its own policy action `search:<name>`. */
export function searchRoutes({ index, access }: SearchRouteDependencies, contracts: Array<{ schema: CollectionSchema; contract: ReturnType<typeof searchContract> }>) {
  return contracts.map(({ schema, contract }) =>
    contractRoute(contract, async ({ query }, request, response) => {
      const params = toSearchQuery(query, schema);
      // The tenants come from the policy decision alone: nothing the client sends widens them.
      const tenantScope = await access.tenantScope(request, `search:${schema.name}`);
      const result = await index.search(schema.name, { ...params, tenantScope });
      response.json({
        found: result.found,
        page: result.page,
        perPage: params.perPage ?? searchLimits.defaultPerPage,
        hits: result.hits.map((hit) => publicDocument(schema, hit.document)),
        facets: result.facetCounts,
      });
    }),
  );
}
