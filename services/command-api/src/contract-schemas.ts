import Type, { type TProperties, type TSchema } from 'typebox';
import { IDEMPOTENCY_KEY_PATTERN, PATTERN_HINT, type HeaderContract, type LinkContract } from '@thalweg/platform/http';

/** The schemas the command API's contracts share: request headers, answers and their headers. */

export const uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });

/** Where a record sits on Kafka. */
export const positionSchema = Type.Object(
  { topic: Type.String(), partition: Type.Integer({ minimum: 0 }), offset: Type.String({ pattern: '^[0-9]+$', description: 'A Kafka offset, as text (it can pass 2^53).' }) },
  { additionalProperties: false },
);

// The pattern the idempotency store applies, with `\w` spelled out: it means more than ASCII to
// other regular expression engines (Python's, a fuzzer's).
export const commandHeaders = {
  'Idempotency-Key': Type.Optional(
    Type.String({
      pattern: IDEMPOTENCY_KEY_PATTERN.source.replaceAll('\\w', 'A-Za-z0-9_'),
      [PATTERN_HINT]: 'must be 1-255 characters of letters, digits, . _ : -',
      description: 'Makes a retry safe: the same key and request return the first answer; the same key with another request is a 422.',
    }),
  ),
};

export const preferHeader = {
  Prefer: Type.Optional(
    Type.String({
      description: 'RFC 7240 `wait=N`: wait up to N seconds (at most THALWEG_COMMAND_WAIT_MAX_SECONDS, 30 by default) for the ledger to decide the command. A preference it cannot honour is ignored.',
      examples: ['wait=5'],
    }),
  ),
};

const header = (description: string, schema: TSchema = Type.String()): HeaderContract => ({ description, schema });
export const consistencyTokenHeader = header('The token a read waits with (the body\'s consistencyToken).');
export const locationHeader = header('Where the answer\'s subject is read.');
export const replayedHeader = header('true when this is the stored answer of an earlier request with the same Idempotency-Key.', Type.Literal('true'));
export const preferenceAppliedHeader = header('The wait honoured.', Type.String({ pattern: '^wait=[0-9]+$' }));

/** A ledger command on the log, not decided yet (or not within the Prefer wait). */
export function pendingCommandSchema<P extends TProperties>(extra: P) {
  return Type.Object(
    {
      commandId: uuid(),
      ...extra,
      status: Type.Literal('pending'),
      consistencyToken: Type.String({ description: 'Waits for the outcome, then for its events.' }),
      position: positionSchema,
    },
    { additionalProperties: false },
  );
}

/** A ledger command accepted within the Prefer wait: where its events landed. */
export function decidedCommandSchema<P extends TProperties>(extra: P) {
  return Type.Object(
    {
      commandId: uuid(),
      ...extra,
      status: Type.Literal('accepted'),
      positions: Type.Array(positionSchema),
      consistencyToken: Type.Optional(Type.String({ description: 'Waits for the events to be projected.' })),
    },
    { additionalProperties: false },
  );
}

/** An identity command's event on the log. */
export function acceptedEventSchema<P extends TProperties>(extra: P) {
  return Type.Object(
    { ...extra, eventId: Type.String({ description: 'The CloudEvents id (UUIDv7).' }), consistencyToken: Type.String(), position: positionSchema },
    { additionalProperties: false },
  );
}

/** A link to the command's status. */
export const commandStatusLink: LinkContract = { operationId: 'getCommand', parameters: { commandId: '$response.body#/commandId' } };
