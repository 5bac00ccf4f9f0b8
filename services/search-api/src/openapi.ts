import { bearerSecurityScheme, guardedResponses, problemOpenapiComponents, problemResponse as problem } from '@thalweg/platform/http';
import { filterLimits, searchLimits } from '@thalweg/platform/search';
import { MAX_PER_PAGE } from './search-params.ts';

const parameters = (facets: string, sortable: string, example: string) => [
  { name: 'q', in: 'query', required: false, schema: { type: 'string', maxLength: searchLimits.maxQueryLength }, description: 'Free text, typo-tolerant; empty or * matches everything.' },
  { name: 'filter', in: 'query', required: false, schema: { type: 'string', maxLength: filterLimits.maxLength }, description: `Clauses joined with && (docs/search.md), e.g. ${example}.` },
  { name: 'facets', in: 'query', required: false, schema: { type: 'string' }, description: `Comma list of ${facets}.` },
  { name: 'sort', in: 'query', required: false, schema: { type: 'string', pattern: '^[A-Za-z]+:(asc|desc)$' }, description: `field:asc or field:desc, field among ${sortable}; relevance by default.` },
  { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: searchLimits.maxPage, default: 1 } },
  { name: 'perPage', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: searchLimits.defaultPerPage } },
];

const resultOf = (hit: string) => ({
  type: 'object',
  properties: {
    found: { type: 'integer' },
    page: { type: 'integer' },
    perPage: { type: 'integer' },
    hits: { type: 'array', items: { $ref: `#/components/schemas/${hit}` } },
    facets: { type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/FacetCount' } } },
  },
});

const operation = (operationId: string, summary: string, params: ReturnType<typeof parameters>, result: string) => ({
  get: {
    operationId,
    summary,
    parameters: params,
    responses: {
      ...guardedResponses,
      '200': { description: 'One page of hits, with facet counts', content: { 'application/json': { schema: { $ref: `#/components/schemas/${result}` } } } },
      '400': problem,
      '503': problem,
    },
  },
});

/** The search API's contract, served at /openapi.json. */
export const searchApiOpenapi = {
  openapi: '3.1.0',
  info: { title: 'Thalweg search API', version: '1.0.0', description: 'Typo-tolerant, faceted search over projected data, within the tenants the policy grants.' },
  servers: [{ url: 'http://127.0.0.1:4003' }],
  security: [{ bearer: [] }],
  paths: {
    '/v1/search/users': operation('searchUsers', 'Search users by name and email', parameters('country, kycState', 'registeredAt', 'country:=FR && kycState:[approved,pending]'), 'UserResult'),
    '/v1/search/entries': operation('searchEntries', 'Search wallet entries by reference', parameters('walletId, currency, direction', 'amountMinor, occurredAt', 'currency:=EUR && amountMinor:>=100'), 'EntryResult'),
  },
  components: {
    schemas: {
      User: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          tenant: { type: 'string' },
          name: { type: 'string' },
          email: { type: 'string' },
          country: { type: 'string' },
          kycState: { enum: ['pending', 'submitted', 'in_review', 'approved', 'rejected'] },
          registeredAt: { type: 'integer', description: 'Milliseconds since the Unix epoch.' },
        },
      },
      Entry: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          tenant: { type: 'string' },
          walletId: { type: 'string', format: 'uuid' },
          reference: { type: 'string' },
          amountMinor: { type: 'integer' },
          currency: { type: 'string' },
          direction: { enum: ['credit', 'debit'] },
          occurredAt: { type: 'integer', description: 'Milliseconds since the Unix epoch.' },
        },
      },
      FacetCount: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' } } },
      UserResult: resultOf('User'),
      EntryResult: resultOf('Entry'),
      ...problemOpenapiComponents.schemas,
    },
    responses: problemOpenapiComponents.responses,
    securitySchemes: bearerSecurityScheme,
  },
} as const;
