import registryPackage from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { ThalwegError } from '../errors/index.ts';
import { avroParseOptions } from './logical-types.ts';

const { SchemaRegistry, SchemaType } = registryPackage;

export interface SchemaRegistryClientOptions {
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:8085/apis/ccompat/v7 */
  url: string;
  /** Attempts for a failed HTTP call before the registry counts as unavailable. */
  retries?: number;
}

export interface DecodedValue {
  schemaId: number;
  /** Full name of the writer's record type, e.g. `thalweg.ledger.WalletOpened`. */
  writerType: string | undefined;
  payload: Record<string, unknown>;
}

/** The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro body. */
export const WIRE_HEADER_LENGTH = 5;

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Turns a registry failure into a Thalweg error a caller can act on: a 404 is permanent
 * (the schema does not exist), anything without a 4xx status (connection refused, 5xx) is
 * retriable because the registry will come back.
 */
function registryError(error: unknown, what: string, details: Record<string, unknown>): ThalwegError {
  const status = httpStatus(error);
  if (status === 404) return new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `${what}: not found in the registry`, { cause: error, details });
  if (status !== undefined && status >= 400 && status < 500) {
    return new ThalwegError('THALWEG_SCHEMA_INVALID', `${what}: refused by the registry (${status})`, { cause: error, details });
  }
  return new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', `${what}: registry unavailable`, { cause: error, details });
}

/** Schema ids and parsed schemas are cached: the registry is asked once per subject/schema or id. */
export function createSchemaRegistryClient({ url, retries = 2 }: SchemaRegistryClientOptions) {
  const registry = new SchemaRegistry(
    { host: url, retry: { retries, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 1 } },
    { [SchemaType.AVRO]: avroParseOptions } as never,
  );
  const ids = new Map<string, Promise<number>>();

  async function idFor(subject: string, schema: avro.Schema): Promise<number> {
    const key = `${subject}\u0000${JSON.stringify(schema)}`;
    let pending = ids.get(key);
    if (!pending) {
      pending = registry
        .getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) })
        .catch((error: unknown) => {
          ids.delete(key);
          throw registryError(error, `schema of subject ${subject}`, { subject });
        });
      ids.set(key, pending);
    }
    return pending;
  }

  async function decode(buffer: Buffer | null, readerSchema?: avro.Schema): Promise<DecodedValue> {
    if (!buffer || buffer.length < WIRE_HEADER_LENGTH || buffer[0] !== 0) {
      throw new ThalwegError('THALWEG_EVENT_UNDECODABLE', 'value is not in the Confluent wire format (magic byte 0 + schema id)');
    }
    const schemaId = buffer.readInt32BE(1);
    let writerType: string | undefined;
    try {
      writerType = ((await registry.getSchema(schemaId)) as { name?: string }).name;
    } catch (error) {
      throw registryError(error, `schema id ${schemaId}`, { schemaId });
    }
    try {
      const options = readerSchema ? { [SchemaType.AVRO]: { readerSchema: readerSchema as never } } : undefined;
      const payload = (await registry.decode(buffer, options)) as Record<string, unknown>;
      return { schemaId, writerType, payload };
    } catch (error) {
      throw new ThalwegError('THALWEG_EVENT_UNDECODABLE', `value does not decode with schema id ${schemaId}: ${(error as Error).message}`, {
        cause: error,
        details: { schemaId },
      });
    }
  }

  return {
    idFor,
    decode,
    /** Encodes with an already-validated Avro type; no registry round trip. */
    encode(schemaId: number, type: avro.Type, payload: unknown): Buffer {
      const body = type.toBuffer(payload);
      const header = Buffer.alloc(WIRE_HEADER_LENGTH);
      header.writeInt32BE(schemaId, 1);
      return Buffer.concat([header, body]);
    },
  };
}

export type SchemaRegistryClient = ReturnType<typeof createSchemaRegistryClient>;
