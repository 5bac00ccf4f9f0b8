import Type from 'typebox';
import { problemAnswer } from '@thalweg/platform/http';

/** What the query API's reads share: the Consistency-Token they wait with, and the answers it brings. */

export const uuid = () => Type.String({ format: 'uuid' });
export const timestamp = () => Type.String({ format: 'date-time' });

export const readHeaders = Type.Object({
  'Consistency-Token': Type.Optional(
    Type.String({
      description:
        "From a command answer: the read waits (bounded) until the command's events are projected (for a ledger command not yet decided, first until it is decided); past the bound the answer is 503 with Retry-After. A rejected command's token is answered with its rejection, 422; a token the command API did not sign, or for another projection, is a 400.",
    }),
  ),
});

export const readResponses = {
  '422': problemAnswer("The Consistency-Token's command was rejected: the problem names the reason."),
  '503': problemAnswer('The projection has not reached the Consistency-Token within the bound (THALWEG_CONSISTENCY_NOT_REACHED), or a store, the policy or the identity provider is unavailable.', {
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: Type.String({ pattern: '^[0-9]+$' }) },
  }),
};
