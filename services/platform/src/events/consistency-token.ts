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
const wrap = (prefix: string, value: unknown) => prefix + Buffer.from(JSON.stringify(value)).toString('base64url');

/** An opaque, URL-safe token naming one position: `ct1.` + base64url of [topic, partition, offset]. */
export function encodeConsistencyToken(position: ConsistencyPosition): string {
  return wrap(SINGLE, encoded(position));
}

/** A token naming every position a read must have applied (a transfer's events sit on two partitions). */
export function encodeReadToken(positions: ConsistencyPosition[]): string {
  if (positions.length === 0 || positions.length > MAX_POSITIONS) throw new Error(`encodeReadToken: 1 to ${MAX_POSITIONS} positions, got ${positions.length}`);
  return positions.length === 1 ? encodeConsistencyToken(positions[0]!) : wrap(MANY, { p: positions.map(encoded) });
}

/** The token of a command not yet decided: a read waits for its outcome, then for that outcome's events. */
export function encodeCommandToken(commandId: string, position: ConsistencyPosition): string {
  return wrap(MANY, { c: commandId, p: [encoded(position)] });
}

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

export function decodeConsistencyToken(token: string): ConsistencyTarget {
  const prefix = token.slice(0, 4);
  if ((prefix !== SINGLE && prefix !== MANY) || token.length > 2_048) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(4), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (prefix === SINGLE) return { positions: [positionOf(parsed)] };
  const { p, c, ...rest } = (parsed ?? {}) as { p?: unknown; c?: unknown };
  if (typeof parsed !== 'object' || Object.keys(rest).length > 0 || !Array.isArray(p) || p.length === 0 || p.length > MAX_POSITIONS) throw invalid();
  if (c !== undefined && (typeof c !== 'string' || !UUID.test(c) || p.length !== 1)) throw invalid();
  return { positions: p.map(positionOf), ...(c === undefined ? {} : { commandId: c as string }) };
}
