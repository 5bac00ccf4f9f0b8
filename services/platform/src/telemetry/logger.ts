import { activeTraceIds } from './messaging-spans.ts';

/** One JSON line per entry, with the active span's trace_id and span_id when there is one. Passed in, never global. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const { code, retriable } = value as Error & { code?: unknown; retriable?: unknown };
    return { name: value.name, message: value.message, code, retriable, cause: value.cause ? serialise(value.cause) : undefined };
  }
  return value;
}

export function createLogger({
  level = 'info',
  bindings = {},
  write = (line: string): void => {
    process.stdout.write(line + '\n');
  },
}: { level?: LogLevel; bindings?: Record<string, unknown>; write?: (line: string) => void } = {}): Logger {
  const emit = (entryLevel: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (order[entryLevel] < order[level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: entryLevel, msg: message, ...bindings, ...activeTraceIds() };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    try {
      write(JSON.stringify(entry));
    } catch {
      // Logging never throws into the code it observes.
    }
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ level, bindings: { ...bindings, ...fields }, write }),
  };
}

/** A logger that drops everything, for tests that do not read logs. */
export const silentLogger: Logger = createLogger({ write: () => {} });
