import Type from 'typebox';
import { errorCodes } from '../errors/index.ts';
import { PROBLEM_CONTENT_TYPE } from './problem-details.ts';
import type { ResponseContract } from './route-contract.ts';

/**
 * The RFC 9457 problem document every error is answered with (problem-details.ts writes it). A
 * problem of a kind may carry members of its own (RFC 9457 extensions: the rejected command's id).
 */
export const problemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri', description: 'Names the error code: https://thalweg.dev/problems/<code>.' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    instance: Type.Optional(Type.String({ description: 'The request target.' })),
    code: Type.Enum(Object.keys(errorCodes), { description: 'A THALWEG_ error code (docs/errors.md).' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String({ examples: ['body.amountMinor', 'path.walletId', 'query.q', 'header.Idempotency-Key'] }), message: Type.String() }, { additionalProperties: false }), {
        description: 'Every field at fault, with its path.',
      }),
    ),
  },
  { description: 'RFC 9457 problem details.' },
);

/** A response that is a problem document; `description` says when it is given. */
export function problemAnswer(description: string, headers: ResponseContract['headers'] = {}): ResponseContract {
  return { description, body: problemSchema, mediaType: PROBLEM_CONTENT_TYPE, ...(Object.keys(headers).length > 0 ? { headers } : {}) };
}
