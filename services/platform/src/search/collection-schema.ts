import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ThalwegError, type FieldProblem } from '../errors/index.ts';
import { repoRoot } from '../schemas/repo-paths.ts';

/** The field types Thalweg's collections use (a subset of Typesense's). */
export type FieldType = 'string' | 'int32' | 'int64' | 'float' | 'bool';

/** One field of a collection, in Typesense's collection-schema form. */
export interface CollectionField {
  name: string;
  type: FieldType;
  facet?: boolean;
  optional?: boolean;
  sort?: boolean;
}

/**
 * A search collection in Typesense's collection-schema form (`schemas/search/<name>.json`). The
 * document `id` is implicit, as in Typesense: it is never declared among the fields.
 */
export interface CollectionSchema {
  name: string;
  fields: CollectionField[];
  default_sorting_field: string;
}

/** The field every collection carries and every search is scoped by; never a client filter. */
export const TENANT_FIELD = 'tenant';

/** Where the collection schemas live. */
export const defaultSearchSchemasDir = join(repoRoot, 'schemas', 'search');

const FIELD_TYPES: readonly FieldType[] = ['string', 'int32', 'int64', 'float', 'bool'];
const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,39}$/;
// Field names become SQL column names and Typesense parameters: plain identifiers only.
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
// The PostgreSQL adapter weights text fields A to D in its tsvector.
const MAX_TEXT_FIELDS = 4;

export const isNumericType = (type: FieldType): boolean => type === 'int32' || type === 'int64' || type === 'float';

/** Text fields: the free-text `q` runs over them (strings that are neither facets nor the tenant). */
export function textFields(schema: CollectionSchema): CollectionField[] {
  return schema.fields.filter((field) => field.type === 'string' && !field.facet && field.name !== TENANT_FIELD);
}

/** Fields a client may filter on: exact-value ones (facets, numbers, booleans), never the tenant. */
export function filterableFields(schema: CollectionSchema): CollectionField[] {
  return schema.fields.filter((field) => field.name !== TENANT_FIELD && (field.facet === true || field.type !== 'string'));
}

export function facetFields(schema: CollectionSchema): CollectionField[] {
  return schema.fields.filter((field) => field.facet === true && field.name !== TENANT_FIELD);
}

/** Numeric fields sort by default in Typesense; a string field sorts only with `sort: true`. */
export function sortableFields(schema: CollectionSchema): CollectionField[] {
  return schema.fields.filter((field) => isNumericType(field.type) || field.sort === true);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function checkField(raw: unknown, path: string, problems: FieldProblem[]): void {
  if (!isObject(raw)) return void problems.push({ field: path, message: 'must be an object' });
  if (typeof raw.name !== 'string' || !FIELD_NAME.test(raw.name)) problems.push({ field: `${path}.name`, message: `must match ${FIELD_NAME}` });
  else if (raw.name === 'id') problems.push({ field: `${path}.name`, message: 'id is implicit and must not be declared' });
  if (!FIELD_TYPES.includes(raw.type as FieldType)) problems.push({ field: `${path}.type`, message: `must be one of ${FIELD_TYPES.join(', ')}` });
  for (const flag of ['facet', 'optional', 'sort']) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') problems.push({ field: `${path}.${flag}`, message: 'must be true or false' });
  }
  for (const key of Object.keys(raw)) {
    if (!['name', 'type', 'facet', 'optional', 'sort'].includes(key)) problems.push({ field: `${path}.${key}`, message: 'is not a known field property' });
  }
}

function checkSchemaRules(schema: CollectionSchema, problems: FieldProblem[]): void {
  const names = schema.fields.map((field) => field.name);
  for (const duplicate of names.filter((name, index) => names.indexOf(name) !== index)) {
    problems.push({ field: 'fields', message: `declares ${duplicate} twice` });
  }
  const tenant = schema.fields.find((field) => field.name === TENANT_FIELD);
  if (!tenant || tenant.type !== 'string' || !tenant.facet || tenant.optional) {
    problems.push({ field: 'fields', message: `must declare a required faceted string field ${TENANT_FIELD}` });
  }
  const sorting = schema.fields.find((field) => field.name === schema.default_sorting_field);
  if (!sorting || !isNumericType(sorting.type) || sorting.optional) {
    problems.push({ field: 'default_sorting_field', message: 'must name a required numeric field' });
  }
  if (textFields(schema).length === 0 || textFields(schema).length > MAX_TEXT_FIELDS) {
    problems.push({ field: 'fields', message: `must have between 1 and ${MAX_TEXT_FIELDS} text fields (strings that are not facets)` });
  }
}

/** Checks a parsed collection schema; `source` names it in the error. */
export function parseCollectionSchema(raw: unknown, source: string): CollectionSchema {
  const problems: FieldProblem[] = [];
  if (!isObject(raw)) throw schemaInvalid(source, [{ field: 'schema', message: 'must be a JSON object' }]);
  if (typeof raw.name !== 'string' || !COLLECTION_NAME.test(raw.name)) problems.push({ field: 'name', message: `must match ${COLLECTION_NAME}` });
  if (typeof raw.default_sorting_field !== 'string') problems.push({ field: 'default_sorting_field', message: 'must be a string' });
  if (!Array.isArray(raw.fields) || raw.fields.length === 0) problems.push({ field: 'fields', message: 'must be a non-empty array' });
  else raw.fields.forEach((field, index) => checkField(field, `fields[${index}]`, problems));
  for (const key of Object.keys(raw)) {
    if (!['name', 'fields', 'default_sorting_field'].includes(key)) problems.push({ field: key, message: 'is not a known schema property' });
  }
  if (problems.length === 0) checkSchemaRules(raw as unknown as CollectionSchema, problems);
  if (problems.length > 0) throw schemaInvalid(source, problems);
  return raw as unknown as CollectionSchema;
}

function schemaInvalid(source: string, fields: FieldProblem[]): ThalwegError {
  const [first] = fields;
  return new ThalwegError('THALWEG_SCHEMA_INVALID', `${source}: ${first!.field}: ${first!.message}`, { fields, details: { source } });
}

/** Reads and checks `schemas/search/<name>.json`. */
export function loadCollectionSchema(name: string, dir = defaultSearchSchemasDir): CollectionSchema {
  const file = join(dir, `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ThalwegError('THALWEG_SCHEMA_INVALID', `${file}: ${(error as Error).message}`, { cause: error });
  }
  const schema = parseCollectionSchema(raw, file);
  if (schema.name !== name) throw schemaInvalid(file, [{ field: 'name', message: `must be ${name}, as the file is named` }]);
  return schema;
}
