// SQLSTATE classes that describe the event, not the store: retrying the same event fails the same way.
const PERMANENT_CLASSES = new Set(['22', '23']); // data exception, integrity constraint violation

/** True when a PostgreSQL error is the event's fault (bad data, constraint) rather than the store's. */
export function isPermanentPostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && PERMANENT_CLASSES.has(code.slice(0, 2));
}
