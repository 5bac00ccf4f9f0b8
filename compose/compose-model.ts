// The compose file as the offline checks read it: parsed with YAML merge keys, interpolated with the
// defaults and compose/.env.example the way `docker compose` would. Shared by compose/*.test.ts.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type Doc = Record<string, any>;

export const composeDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(composeDir, '..');

export const readYaml = (path: string): Doc => parse(readFileSync(path, 'utf8'), { merge: true }) as Doc;

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function readEnvFile(path: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

/** The variables a compose file interpolates (`${NAME}`, `${NAME:-default}`, `${NAME:?error}`...) in its values. */
export function interpolatedVariables(doc: unknown, names = new Set<string>()): Set<string> {
  if (typeof doc === 'string') {
    for (const match of doc.replaceAll('$$', '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  } else if (Array.isArray(doc)) {
    for (const item of doc) interpolatedVariables(item, names);
  } else if (doc && typeof doc === 'object') {
    for (const [key, value] of Object.entries(doc)) {
      interpolatedVariables(key, names);
      interpolatedVariables(value, names);
    }
  }
  return names;
}

/** Compose interpolation, enough for these files: values from `env`, else the inline default. */
export function interpolate(value: unknown, env: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value
      .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}/g, (_all, name: string, fallback?: string) => env.get(name) ?? fallback ?? '')
      .replaceAll('$$', '$');
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, env)]));
  return value;
}

export const composePath = join(composeDir, 'docker-compose.yml');
export const rawCompose = readYaml(composePath);
export const envExample = readEnvFile(join(composeDir, '.env.example'));
/** The compose file as a `docker compose up` with compose/.env.example would see it. */
export const compose = interpolate(rawCompose, envExample) as Doc;

export const services = (doc: Doc): Record<string, Doc> => doc.services ?? {};
export const clone = <T>(value: T): T => structuredClone(value);

/** depends_on as a map, whichever syntax the file uses. */
export function dependencies(service: Doc): Record<string, Doc> {
  const dependsOn = service.depends_on;
  if (!dependsOn) return {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name: string) => [name, { condition: 'service_started' }]));
  return dependsOn;
}

export const brokerNames = (doc: Doc) => Object.keys(services(doc)).filter((name) => /^kafka-\d+$/.test(name));
