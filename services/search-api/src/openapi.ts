import { openapiDocument } from '@thalweg/platform/http';
import { loadCollectionSchema, type CollectionSchema } from '@thalweg/platform/search';
import { searchContract } from './search-routes.ts';

/** The collections the search API serves (projector-search creates them from the same files). */
export const SEARCH_COLLECTIONS = ['users', 'entries'];

/** Each collection's search operation, declared once from its schema: the route validates against it. */
export function searchApiContracts(collections: CollectionSchema[]) {
  return collections.map((schema) => ({ schema, contract: searchContract(schema) }));
}

/** The search API's document, from its contracts. */
export function searchApiDocument(contracts: ReturnType<typeof searchApiContracts>) {
  return openapiDocument({
    title: 'Thalweg search API',
    version: '1.0.0',
    description: 'Typo-tolerant, faceted search over projected data, within the tenants the policy grants.',
    servers: ['http://127.0.0.1:4003'],
    contracts: contracts.map(({ contract }) => contract),
  });
}

/** The search API's contract for the collections it serves, as served at /openapi.json. */
export const searchApiOpenapi = searchApiDocument(searchApiContracts(SEARCH_COLLECTIONS.map((name) => loadCollectionSchema(name))));
