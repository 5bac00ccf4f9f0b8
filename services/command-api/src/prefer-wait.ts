/**
 * The `wait` preference of RFC 7240 (`Prefer: respond-async, wait=10`) in seconds, capped at
 * `max`; 0 when absent or malformed, since a server ignores a preference it cannot honour.
 */
export function preferredWait(header: string | undefined, max: number): number {
  if (!header) return 0;
  for (const preference of header.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*$/i.exec(preference.split(';')[0]!);
    if (match) return Math.min(Number(match[1]), max);
  }
  return 0;
}
