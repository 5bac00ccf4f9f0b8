import { textFields, type CollectionSchema, type FieldType } from './collection-schema.ts';
import { quoteIdentifier } from './sql-filter.ts';

const COLUMN_TYPES: Record<FieldType, string> = {
  string: 'text',
  int32: 'integer',
  int64: 'bigint',
  float: 'double precision',
  bool: 'boolean',
};

// Text fields are weighted in schema order: the first is the most telling (a user's name before the email).
const WEIGHTS = ['A', 'B', 'C', 'D'] as const;

/** The table holding a collection: `search_<name>`. */
export const searchTableName = (collection: string): string => `search_${collection}`;

/** The same, quoted for SQL. */
export const searchTable = (collection: string): string => quoteIdentifier(searchTableName(collection));

/** The tsvector weight of each text field, by name. */
export function textWeights(schema: CollectionSchema): Map<string, string> {
  return new Map(textFields(schema).map((field, index) => [field.name, WEIGHTS[index]!]));
}

/**
 * The statements that create a collection's table: one column per field plus the whole document
 * as jsonb, a generated tsvector over the text fields ('simple' configuration: names, e-mails and
 * references are not a language to stem), a GIN index on it, a trigram GIN index per text field
 * for typo tolerance, and a btree index per filterable field. Every statement is idempotent, and an
 * optional field added to the schema is added to an existing table.
 */
export function collectionDdl(schema: CollectionSchema): string[] {
  const table = searchTable(schema.name);
  const columns = schema.fields.map((field) => `${quoteIdentifier(field.name)} ${COLUMN_TYPES[field.type]}${field.optional ? '' : ' NOT NULL'}`);
  const vector = [...textWeights(schema)]
    .map(([name, weight]) => `setweight(to_tsvector('simple', coalesce(${quoteIdentifier(name)}, '')), '${weight}')`)
    .join(' || ');
  const index = (suffix: string) => quoteIdentifier(`search_${schema.name}_${suffix}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      id text PRIMARY KEY,
      ${columns.join(',\n      ')},
      document jsonb NOT NULL,
      search_vector tsvector GENERATED ALWAYS AS (${vector}) STORED
    )`,
    // A field added to the schema later is an optional column added to the table it has.
    ...schema.fields.filter((field) => field.optional).map((field) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(field.name)} ${COLUMN_TYPES[field.type]}`),
    `CREATE INDEX IF NOT EXISTS ${index('search_vector')} ON ${table} USING gin (search_vector)`,
    ...textFields(schema).map((field) => `CREATE INDEX IF NOT EXISTS ${index(`${field.name}_trgm`)} ON ${table} USING gin (${quoteIdentifier(field.name)} gin_trgm_ops)`),
    ...schema.fields
      .filter((field) => field.facet || field.type !== 'string')
      .map((field) => `CREATE INDEX IF NOT EXISTS ${index(field.name)} ON ${table} (${quoteIdentifier(field.name)})`),
  ];
}
