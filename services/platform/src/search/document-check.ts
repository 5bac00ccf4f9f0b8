import { TENANT_FIELD, type CollectionField, type CollectionSchema } from './collection-schema.ts';
import { EVERY_TENANT } from './tenant-scope.ts';

function valueProblem(field: CollectionField, value: unknown): string | undefined {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'int32':
      return Number.isSafeInteger(value) && Math.abs(value as number) < 2 ** 31 ? undefined : 'must be a 32-bit integer';
    case 'int64':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
  }
}

/** Why an id cannot name a document, or undefined when it can. */
function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return 'id must be a string of 1 to 200 characters';
  // An id is deleted later through a filter_by literal, which cannot hold a backtick or a backslash.
  if (/[\u0000-\u001f\u007f`\\]/u.test(id)) return 'id must hold no backtick, backslash or control character';
  // In a Typesense id filter `*` means every document: a delete of it would empty the collection.
  if (id === '*') return 'id must not be *';
  return undefined;
}

/**
 * Why a document does not fit its collection, or undefined when it does. Both adapters check
 * documents before writing, so a bad one fails alone with the same reason on either backend.
 */
export function documentProblem(schema: CollectionSchema, document: unknown): string | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return 'the document must be an object';
  const record = document as Record<string, unknown>;
  const badId = idProblem(record.id);
  if (badId) return badId;
  if (record[TENANT_FIELD] === EVERY_TENANT) return `${TENANT_FIELD} must name one tenant, not ${EVERY_TENANT}`;
  for (const field of schema.fields) {
    const value = record[field.name];
    if (value === undefined || value === null) {
      if (!field.optional) return `${field.name} is required`;
      continue;
    }
    const problem = valueProblem(field, value);
    if (problem) return `${field.name} ${problem}`;
  }
  if (typeof record[TENANT_FIELD] === 'string' && (record[TENANT_FIELD] as string).length === 0) return `${TENANT_FIELD} must not be empty`;
  const known = new Set(['id', ...schema.fields.map((field) => field.name)]);
  const unknown = Object.keys(record).find((key) => !known.has(key));
  return unknown === undefined ? undefined : `${unknown} is not a field of ${schema.name}`;
}

/**
 * Why a partial update does not fit its collection, or undefined when it does: an id, at least one
 * field, every field known and of its type. A value is never null (an update changes values) and
 * the tenant is not updatable, so no update moves a document into another tenant.
 */
export function updateProblem(schema: CollectionSchema, update: unknown): string | undefined {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) return 'the update must be an object';
  const record = update as Record<string, unknown>;
  const badId = idProblem(record.id);
  if (badId) return badId;
  const names = Object.keys(record).filter((key) => key !== 'id');
  if (names.length === 0) return 'an update changes at least one field';
  const fields = new Map(schema.fields.map((field) => [field.name, field]));
  for (const name of names) {
    if (name === TENANT_FIELD) return `${TENANT_FIELD} cannot be updated`;
    const field = fields.get(name);
    if (!field) return `${name} is not a field of ${schema.name}`;
    const value = record[name];
    if (value === undefined || value === null) return `${name} must have a value`;
    const problem = valueProblem(field, value);
    if (problem) return `${name} ${problem}`;
  }
  return undefined;
}
