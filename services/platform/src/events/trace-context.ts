import { randomUUID } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** True when the value is a W3C traceparent this version understands. */
export function isTraceparent(value: string | undefined): value is string {
  if (!value) return false;
  const match = TRACEPARENT.exec(value);
  return match !== null && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!);
}

/** Starts a new sampled trace, for events published outside any incoming trace. */
export function newTraceparent(): string {
  // randomUUID draws from a cached entropy pool; its fixed version nibble leaves 122 random bits.
  const traceId = randomUUID().replaceAll('-', '');
  const spanId = randomUUID().replaceAll('-', '').slice(16);
  return `00-${traceId}-${spanId}-01`;
}
