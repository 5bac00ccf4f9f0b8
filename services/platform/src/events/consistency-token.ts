import { createHmac, timingSafeEqual } from 'node:crypto';
import { ThalwegError } from '../errors/index.ts';

/** Where a command's event landed; a read that presents it waits until a projection has applied it. */
export interface ConsistencyPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** What a token asks a read to wait for: positions, or the outcome of a command first. */
export interface ConsistencyTarget {
  positions: ConsistencyPosition[];
  /** Set on the token a command answers with before its outcome is known: wait for the decision. */
  commandId?: string;
}

const SINGLE = 'ct1.';
const MANY = 'ct2.';
const MAX_INT32 = 2_147_483_647;
const MAX_INT64 = 9_223_372_036_854_775_807n;
const MAX_POSITIONS = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Encoded = [string, number, string];
const encoded = ({ topic, partition, offset }: ConsistencyPosition): Encoded => [topic, partition, offset];
const payloadOf = (prefix: string, value: unknown) => prefix + Buffer.from(JSON.stringify(value)).toString('base64url');

function invalid() {
  return new ThalwegError('THALWEG_CONSISTENCY_TOKEN_INVALID', 'Consistency-Token: not a token issued by the command API', {
    fields: [{ field: 'header.Consistency-Token', message: 'is not a token issued by the command API' }],
  });
}

function positionOf(value: unknown): ConsistencyPosition {
  if (!Array.isArray(value) || value.length !== 3) throw invalid();
  const [topic, partition, offset] = value as unknown[];
  if (typeof topic !== 'string' || !/^[\w.-]{1,249}$/.test(topic)) throw invalid();
  // Kafka's partitions are int32 and its offsets int64.
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition > MAX_INT32) throw invalid();
  if (typeof offset !== 'string' || !/^\d{1,19}$/.test(offset) || BigInt(offset) > MAX_INT64) throw invalid();
  return { topic, partition, offset };
}

/** What a token's payload says, once its signature is known to be good. */
function readPayload(payload: string): ConsistencyTarget {
  const prefix = payload.slice(0, 4);
  if (prefix !== SINGLE && prefix !== MANY) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload.slice(4), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (prefix === SINGLE) return { positions: [positionOf(parsed)] };
  const { p, c, ...rest } = (parsed ?? {}) as { p?: unknown; c?: unknown };
  if (typeof parsed !== 'object' || Object.keys(rest).length > 0 || !Array.isArray(p) || p.length === 0 || p.length > MAX_POSITIONS) throw invalid();
  if (c !== undefined && (typeof c !== 'string' || !UUID.test(c) || p.length !== 1)) throw invalid();
  return { positions: p.map(positionOf), ...(c === undefined ? {} : { commandId: c as string }) };
}

/** The signing keys: `key` signs and verifies; `previousKey`, during a rotation, still verifies. */
export interface ConsistencyTokenKeys {
  key: string;
  previousKey?: string;
}

/** Shorter keys are refused at start-up: HMAC-SHA256 wants at least its output's 32 bytes. */
const MIN_TOKEN_KEY_LENGTH = 32;

/**
 * Consistency tokens, signed: `ct1.` or `ct2.` + base64url JSON of what the read waits for, then
 * `.` + base64url HMAC-SHA256 of all that. Only the command API can issue one the query API
 * accepts: a forged or altered token (a huge offset that would hold a read for the whole wait, a
 * position on another partition) is a 400 at once, before any wait. A rotation signs with the new
 * key and still accepts the previous one until the tokens it signed are of no use.
 */
export function createConsistencyTokens({ key, previousKey }: ConsistencyTokenKeys) {
  for (const [name, value] of [['key', key], ['previousKey', previousKey]] as const) {
    if (value !== undefined && value.length < MIN_TOKEN_KEY_LENGTH) throw new ThalwegError('THALWEG_CONFIG_INVALID', `consistency token ${name}: at least ${MIN_TOKEN_KEY_LENGTH} characters`);
  }
  const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();
  const signed = (payload: string) => `${payload}.${mac(key, payload).toString('base64url')}`;
  const verifiers = [key, ...(previousKey ? [previousKey] : [])];
  const position = (at: ConsistencyPosition): string => signed(payloadOf(SINGLE, encoded(at)));
  return {
    /** A token naming one position. */
    position,
    /** A token naming every position a read must have applied (a transfer's events sit on two partitions). */
    read(positions: ConsistencyPosition[]): string {
      if (positions.length === 0 || positions.length > MAX_POSITIONS) throw new Error(`consistency tokens: 1 to ${MAX_POSITIONS} positions, got ${positions.length}`);
      return positions.length === 1 ? position(positions[0]!) : signed(payloadOf(MANY, { p: positions.map(encoded) }));
    },
    /** The token of a command not yet decided: a read waits for its outcome, then for that outcome's events. */
    command: (commandId: string, position: ConsistencyPosition): string => signed(payloadOf(MANY, { c: commandId, p: [encoded(position)] })),
    /** What a token asks a read to wait for; THALWEG_CONSISTENCY_TOKEN_INVALID unless one of the keys signed it as it is. */
    decode(token: string): ConsistencyTarget {
      if (token.length > 2_048) throw invalid();
      const dot = token.lastIndexOf('.');
      if (dot <= 4) throw invalid();
      const [payload, signature] = [token.slice(0, dot), Buffer.from(token.slice(dot + 1), 'base64url')];
      const genuine = verifiers.some((secret) => {
        const expected = mac(secret, payload);
        return signature.length === expected.length && timingSafeEqual(signature, expected);
      });
      if (!genuine) throw invalid();
      return readPayload(payload);
    },
  };
}

export type ConsistencyTokens = ReturnType<typeof createConsistencyTokens>;
