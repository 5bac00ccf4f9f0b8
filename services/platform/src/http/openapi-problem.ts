/** The RFC 9457 problem document as OpenAPI components, shared by every API's document. */
export const problemOpenapiComponents = {
  schemas: {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details.',
      required: ['type', 'title', 'status', 'code'],
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        code: { type: 'string', description: 'A THALWEG_ error code (docs/errors.md).' },
        errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
  responses: {
    Problem: { description: 'A problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
  },
} as const;

/** `$ref` to the shared problem response. */
export const problemResponse = { $ref: '#/components/responses/Problem' } as const;

/** Every /v1 operation needs a Keycloak access token for the `thalweg-api` audience. */
export const bearerSecurityScheme = {
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Keycloak access token (realm thalweg) whose audience includes thalweg-api.' },
} as const;

/** The answers every guarded operation may give: no or bad token, denied by policy, over the rate limit. */
export const guardedResponses = { '401': problemResponse, '403': problemResponse, '429': problemResponse } as const;
