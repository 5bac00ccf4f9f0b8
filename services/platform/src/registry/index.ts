export { createSchemaRegistryClient, WIRE_HEADER_LENGTH } from './schema-registry-client.ts';
export type { SchemaRegistryClient, SchemaRegistryClientOptions, DecodedValue } from './schema-registry-client.ts';
export { TimestampMillisType, avroParseOptions, parseAvroSchema } from './logical-types.ts';
