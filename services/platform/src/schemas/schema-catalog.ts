import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type avro from 'avsc';
import { ThalwegError } from '../errors/index.ts';
import { parseAvroSchema } from '../registry/index.ts';
import { defaultSchemasDir } from './repo-paths.ts';

/** One event type of the catalogue: an `.avsc` file holding one Avro record. */
export interface SchemaEntry {
  /** `thalweg.ledger.WalletOpened` */
  fullName: string;
  /** `WalletOpened` */
  name: string;
  /** `thalweg.ledger` */
  namespace: string;
  /** The folder under the schemas root, e.g. `ledger`. */
  domain: string;
  /** The parsed JSON, as registered. */
  schema: avro.Schema & Record<string, unknown>;
  /** The avsc type with Thalweg's logical types (timestamp-millis as Date; uuid stays a string). */
  type: avro.Type;
  /** Absolute path of the `.avsc` file. */
  file: string;
}

export interface SchemaCatalog {
  /** The schemas root the catalogue was read from. */
  readonly root: string;
  /** The entry of an event type; THALWEG_SCHEMA_NOT_FOUND when no file declares it. */
  get(fullName: string): SchemaEntry;
  has(fullName: string): boolean;
  /** Every entry, sorted by full name. */
  all(): SchemaEntry[];
}

export interface LoadSchemaCatalogOptions {
  root?: string;
}

function avscFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...avscFiles(path));
    else if (name.endsWith('.avsc')) found.push(path);
  }
  return found;
}

function invalid(file: string, message: string, cause?: unknown): ThalwegError {
  return new ThalwegError('THALWEG_SCHEMA_INVALID', `${file}: ${message}`, { cause, details: { file } });
}

/** Parses one `.avsc` text into a catalogue entry; `file` names it in errors. */
export function parseSchemaFile(text: string, file: string, domain = ''): SchemaEntry {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `not valid JSON (${(error as Error).message})`, error);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw invalid(file, 'expected an Avro record object');
  const record = schema as Record<string, unknown>;
  if (record.type !== 'record') throw invalid(file, `expected "type": "record", got ${JSON.stringify(record.type)}`);
  if (typeof record.name !== 'string' || record.name === '') throw invalid(file, 'the record needs a "name"');
  const dot = record.name.lastIndexOf('.');
  const namespace = dot >= 0 ? record.name.slice(0, dot) : typeof record.namespace === 'string' ? record.namespace : '';
  const name = dot >= 0 ? record.name.slice(dot + 1) : record.name;
  if (namespace === '') throw invalid(file, `record ${name} needs a "namespace" (e.g. thalweg.${domain || '<domain>'})`);
  let type: avro.Type;
  try {
    type = parseAvroSchema(record as avro.Schema);
  } catch (error) {
    throw invalid(file, `not a valid Avro schema: ${(error as Error).message}`, error);
  }
  return { fullName: `${namespace}.${name}`, name, namespace, domain, schema: record as SchemaEntry['schema'], type, file };
}

/** Reads every `.avsc` under `root` (schemas as code) into a catalogue keyed by record full name. */
export function loadSchemaCatalog({ root = defaultSchemasDir }: LoadSchemaCatalogOptions = {}): SchemaCatalog {
  let files: string[];
  try {
    files = avscFiles(root);
  } catch (error) {
    throw new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `schemas directory ${root} cannot be read`, { cause: error, details: { root } });
  }
  const entries = new Map<string, SchemaEntry>();
  for (const file of files) {
    const domain = relative(root, file).split(sep).slice(0, -1).join('.');
    const entry = parseSchemaFile(readFileSync(file, 'utf8'), file, domain);
    const existing = entries.get(entry.fullName);
    if (existing) throw invalid(file, `${entry.fullName} is already declared in ${existing.file}`);
    entries.set(entry.fullName, entry);
  }
  const sorted = [...entries.values()].sort((a, b) => a.fullName.localeCompare(b.fullName));
  return {
    root,
    get(fullName) {
      const entry = entries.get(fullName);
      if (!entry) {
        throw new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `no schema declares event type ${fullName} (under ${root})`, {
          details: { eventType: fullName, known: [...entries.keys()] },
        });
      }
      return entry;
    },
    has: (fullName) => entries.has(fullName),
    all: () => [...sorted],
  };
}
