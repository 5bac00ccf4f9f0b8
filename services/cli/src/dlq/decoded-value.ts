import { isThalwegError, ThalwegError } from '@thalweg/platform/errors';
import type { SchemaRegistryClient } from '@thalweg/platform/registry';

/** A dead letter's value as the registry reads it now, or why it still cannot be read. */
export type DecodedValue = { schemaId: number; type: string | undefined; payload: unknown } | { schemaId: number | undefined; error: { code: string; message: string } };

/** Bytes as base64 and 64-bit integers as strings: JSON that holds whatever Avro decoded. */
export function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? field.toString() : field), 0), (_key, field: unknown) =>
    field && typeof field === 'object' && (field as { type?: unknown }).type === 'Buffer' && Array.isArray((field as { data?: unknown }).data)
      ? Buffer.from((field as { data: number[] }).data).toString('base64')
      : field,
  );
}

/**
 * Decodes with the writer schema the registry holds. A value the registry cannot read (the poison
 * itself: an unknown schema id, bytes that do not decode) is shown with its error; a registry that
 * cannot be reached stops the command, since every other value would say the same.
 */
export async function decodeValue(registry: SchemaRegistryClient, value: Buffer | null, registryUrl: string): Promise<DecodedValue> {
  const schemaId = value && value.length >= 5 && value[0] === 0 ? value.readInt32BE(1) : undefined;
  try {
    const decoded = await registry.decode(value);
    return { schemaId: decoded.schemaId, type: decoded.writerType, payload: plainJson(decoded.payload) };
  } catch (error) {
    if (isThalwegError(error) && error.retriable) {
      throw new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', `no schema registry answering at ${registryUrl} (THALWEG_REGISTRY_URL): ${error.message}`, { cause: error });
    }
    const failure = isThalwegError(error) ? { code: error.code, message: error.message } : { code: 'THALWEG_EVENT_UNDECODABLE', message: (error as Error).message };
    return { schemaId, error: failure };
  }
}
