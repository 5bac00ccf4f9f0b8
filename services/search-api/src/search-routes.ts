import type { Router } from 'express';
import type { AccessControl } from '@thalweg/platform/auth';
import { searchLimits, type CollectionSchema, type SearchDocument, type SearchIndex } from '@thalweg/platform/search';
import { parseSearchParams } from './search-params.ts';

export interface SearchRouteDependencies {
  index: SearchIndex;
  access: AccessControl;
  /** The collections served, each under /search/<name> with its own policy action `search:<name>`. */
  collections: CollectionSchema[];
}

/** A hit as clients see it: the id and the collection's declared fields, nothing a backend adds. */
function publicDocument(schema: CollectionSchema, document: SearchDocument): Record<string, unknown> {
  const view: Record<string, unknown> = { id: document.id };
  for (const field of schema.fields) if (document[field.name] !== undefined) view[field.name] = document[field.name];
  return view;
}

export function searchRoutes({ index, access, collections }: SearchRouteDependencies) {
  return (router: Router) => {
    for (const schema of collections) {
      router.get(`/search/${schema.name}`, async (request, response) => {
        const params = parseSearchParams(request.query, schema);
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
      });
    }
  };
}
