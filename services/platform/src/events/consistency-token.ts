import { ThalwegError } from '../errors/index.ts';

/** Where a command's event landed; a read that presents it waits until a projection has applied it. */
export interface ConsistencyPosition {
  topic: string;
  partition: number;
  offset: string;
}

const PREFIX = 'ct1.';
const MAX_INT32 = 2_147_483_647;
const MAX_INT64 = 9_223_372_036_854_775_807n;

/** An opaque, URL-safe token: `ct1.` + base64url of [topic, partition, offset]. */
export function encodeConsistencyToken({ topic, partition, offset }: ConsistencyPosition): string {
  return PREFIX + Buffer.from(JSON.stringify([topic, partition, offset])).toString('base64url');
}

export function decodeConsistencyToken(token: string): ConsistencyPosition {
  const invalid = () =>
    new ThalwegError('THALWEG_CONSISTENCY_TOKEN_INVALID', 'Consistency-Token: not a token issued by the command API', {
      fields: [{ field: 'header.Consistency-Token', message: 'is not a token issued by the command API' }],
    });
  if (!token.startsWith(PREFIX) || token.length > 512) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [topic, partition, offset] = parsed as unknown[];
  if (typeof topic !== 'string' || !/^[\w.-]{1,249}$/.test(topic)) throw invalid();
  // Kafka's partitions are int32 and its offsets int64.
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition > MAX_INT32) throw invalid();
  if (typeof offset !== 'string' || !/^\d{1,19}$/.test(offset) || BigInt(offset) > MAX_INT64) throw invalid();
  return { topic, partition, offset };
}
