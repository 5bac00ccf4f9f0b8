import avro from 'avsc';

/** `timestamp-millis` longs surface as `Date` in TypeScript and go back to epoch milliseconds on the wire. */
export class TimestampMillisType extends avro.types.LogicalType {
  override _fromValue(value: number): Date {
    return new Date(value);
  }

  override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) return value.getTime();
    return undefined;
  }

  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'long', 'int', 'logical:timestamp-millis')) return this._fromValue.bind(this);
    return undefined;
  }
}

/** avsc parse options every Thalweg reader and writer uses, so both sides agree on logical types. */
export const avroParseOptions = {
  logicalTypes: { 'timestamp-millis': TimestampMillisType },
} as const;

/**
 * Parses an Avro schema with Thalweg's logical types. The options object is fresh on every call
 * because avsc stores its registry of named types in it: a shared one makes the second parse of
 * the same record fail with "duplicate type name".
 */
export function parseAvroSchema(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { ...avroParseOptions } as unknown as Partial<avro.ForSchemaOptions>);
}
