import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** True when the value is a W3C traceparent this version understands. */
export function isTraceparent(value: string | undefined): value is string {
  if (!value) return false;
  const match = TRACEPARENT.exec(value);
  return match !== null && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!);
}

/** Starts a new sampled trace, for events published outside any incoming trace. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
