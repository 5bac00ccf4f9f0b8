import { ThalwegError } from '../errors/index.ts';
import { knownVariables } from './known-variables.ts';

/** How one environment variable is read: its parser and default. */
export interface Setting<T> {
  variable: string;
  parse(raw: string): T;
  fallback: T | undefined;
  description: string;
}

type Values<S extends Record<string, Setting<unknown>>> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

function fail(variable: string, message: string): never {
  throw new ThalwegError('THALWEG_CONFIG_INVALID', `${variable}: ${message}`, { details: { variable } });
}

export function string(variable: string, options: { default?: string; description?: string } = {}): Setting<string> {
  return {
    variable,
    parse: (raw) => (raw.trim() === '' ? fail(variable, 'must not be empty') : raw.trim()),
    fallback: options.default,
    description: options.description ?? '',
  };
}

/** Text that may be empty: an empty value means "not set" to the setting's user (e.g. no SASL). */
export function optionalString(variable: string, options: { default?: string; description?: string } = {}): Setting<string> {
  return { variable, parse: (raw) => raw.trim(), fallback: options.default ?? '', description: options.description ?? '' };
}

export function integer(
  variable: string,
  options: { default?: number; min?: number; max?: number; description?: string } = {},
): Setting<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return {
    variable,
    parse: (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) fail(variable, `expected an integer, got "${raw}"`);
      const value = Number(raw);
      if (value < min || value > max) fail(variable, `expected ${min}..${max}, got ${value}`);
      return value;
    },
    fallback: options.default,
    description: options.description ?? '',
  };
}

export function list(variable: string, options: { default?: string[]; description?: string } = {}): Setting<string[]> {
  return {
    variable,
    parse: (raw) => {
      const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
      return items.length > 0 ? items : fail(variable, 'expected a comma-separated list');
    },
    fallback: options.default,
    description: options.description ?? '',
  };
}

export function oneOf<T extends string>(
  variable: string,
  choices: readonly T[],
  options: { default?: T; description?: string } = {},
): Setting<T> {
  return {
    variable,
    parse: (raw) => (choices.includes(raw as T) ? (raw as T) : fail(variable, `expected one of ${choices.join(', ')}, got "${raw}"`)),
    fallback: options.default,
    description: options.description ?? '',
  };
}

/**
 * Reads the settings once, at the entry point. A `THALWEG_` variable that no Thalweg service
 * knows fails (a typo is not ignored), every value must parse, and a setting without default
 * must be present. Variables other services read are allowed, so one environment serves all.
 */
export function readConfig<S extends Record<string, Setting<unknown>>>(
  settings: S,
  env: NodeJS.ProcessEnv = process.env,
  { prefix = 'THALWEG_', known = knownVariables } = {},
): Values<S> {
  const undocumented = Object.values(settings).filter((setting) => setting.variable.startsWith(prefix) && !known.has(setting.variable));
  if (undocumented.length > 0) throw new Error(`readConfig: ${undocumented[0]!.variable} is not in the known variables (config/known-variables.ts, .env.example)`);
  const unknown = Object.keys(env).filter((key) => key.startsWith(prefix) && !known.has(key));
  if (unknown.length > 0) fail(unknown[0]!, `unknown variable (known: ${[...known].sort().join(', ')})`);
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const raw = env[setting.variable];
    if (raw !== undefined) values[key] = setting.parse(raw);
    else if (setting.fallback !== undefined) values[key] = setting.fallback;
    else fail(setting.variable, 'is required');
  }
  return values as Values<S>;
}
