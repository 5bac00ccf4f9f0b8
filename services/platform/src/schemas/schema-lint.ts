import { basename } from 'node:path';
import type { SchemaEntry } from './schema-catalog.ts';

/** `FundsCredited` → `funds-credited` */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function fieldsOf(schema: unknown): Array<Record<string, unknown>> {
  const fields = (schema as { fields?: unknown }).fields;
  return Array.isArray(fields) ? (fields as Array<Record<string, unknown>>) : [];
}

/**
 * The house rules a schema file follows beyond being valid Avro: the record and every field
 * carry a `doc`, the namespace is `thalweg.<domain>` of its folder, and the file is named after
 * the record (`FundsCredited` in `funds-credited.avsc`). Returns one message per breach.
 */
export function lintSchema(entry: SchemaEntry): string[] {
  const problems: string[] = [];
  const { schema, name } = entry;
  if (typeof schema.doc !== 'string' || schema.doc.trim() === '') problems.push(`${name}: the record has no "doc"`);
  for (const field of fieldsOf(schema)) {
    if (typeof field.doc !== 'string' || field.doc.trim() === '') problems.push(`${name}.${String(field.name)}: the field has no "doc"`);
  }
  if (entry.domain !== '' && entry.namespace !== `thalweg.${entry.domain}`) {
    problems.push(`${name}: namespace ${entry.namespace} should be thalweg.${entry.domain} (the folder it lives in)`);
  }
  const expectedFile = `${kebabCase(name)}.avsc`;
  if (basename(entry.file) !== expectedFile) problems.push(`${name}: the file should be named ${expectedFile}`);
  return problems;
}
