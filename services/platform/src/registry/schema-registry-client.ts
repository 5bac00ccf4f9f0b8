import avro from 'avsc';
import { ThalwegError } from '../errors/index.ts';
import { parseAvroSchema } from './logical-types.ts';
import { createRegistryProbe } from './registry-probe.ts';

export interface SchemaRegistryClientOptions {
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:8085/apis/ccompat/v7 */
  url: string;
  /** Per HTTP call. */
  requestTimeout?: number; // ms
}

export interface DecodedValue {
  schemaId: number;
  /** Full name of the writer's record type, e.g. `thalweg.ledger.WalletOpened`. */
  writerType: string | undefined;
  payload: Record<string, unknown>;
}

/** The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro body. */
export const WIRE_HEADER_LENGTH = 5;

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Turns a registry failure into a Thalweg error a caller can act on: a 404 is permanent
 * (the schema does not exist), anything without a 4xx status (connection refused, timeout, 5xx)
 * is retriable because the registry will come back.
 */
// Throttled, timed out or refused credentials: the registry's or the operator's to fix, never the
// event's, so a projector pauses and retries instead of dead-lettering good events.
const TRANSIENT_CLIENT_STATUSES = new Set([401, 403, 408, 429]);

/** What a registry answer means for the caller: a missing schema, a refused one, or try again. */
export function registryError(status: number | undefined, what: string, details: Record<string, unknown>, cause?: unknown): ThalwegError {
  if (status === 404) return new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `${what}: not found in the registry`, { cause, details });
  if (status !== undefined && TRANSIENT_CLIENT_STATUSES.has(status)) {
    return new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', `${what}: registry unavailable (${status})`, { cause, details });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new ThalwegError('THALWEG_SCHEMA_INVALID', `${what}: refused by the registry (${status})`, { cause, details });
  }
  return new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', `${what}: registry unavailable`, { cause, details });
}

/** Caches a promise per key and forgets it when it fails, so a failure is retried next time. */
function memoise<K, V>(load: (key: K) => Promise<V>) {
  const entries = new Map<K, Promise<V>>();
  return (key: K): Promise<V> => {
    let pending = entries.get(key);
    if (!pending) {
      pending = load(key);
      pending.catch(() => entries.delete(key));
      entries.set(key, pending);
    }
    return pending;
  };
}

/**
 * A client of the Confluent-compatible registry API for the two things the hot path needs:
 * the id of a schema under a subject, and the writer schema of an id. Both are cached for the
 * life of the process (a registered schema never changes). It speaks the REST API with fetch
 * because the HTTP status is what tells "not registered" (permanent) from "registry down"
 * (retriable); see docs/decisions.md.
 */
export function createSchemaRegistryClient({ url, requestTimeout = 5_000 }: SchemaRegistryClientOptions) {
  const probe = createRegistryProbe((path) => call(path, `registry probe ${path}`, {}));

  async function call(path: string, what: string, details: Record<string, unknown>, init: RequestInit = {}): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, { ...init, headers: { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE }, signal: AbortSignal.timeout(requestTimeout) });
    } catch (error) {
      throw registryError(undefined, what, details, error);
    }
    if (!response.ok) throw registryError(response.status, what, details, new Error(await response.text().catch(() => '')));
    return (await response.json()) as Record<string, unknown>;
  }

  async function lookUpId(subject: string, schema: avro.Schema): Promise<number> {
    const body = JSON.stringify({ schema: JSON.stringify(schema) });
    const { id } = await call(`/subjects/${encodeURIComponent(subject)}`, `schema of subject ${subject}`, { subject }, { method: 'POST', body });
    if (typeof id !== 'number') throw registryError(undefined, `schema of subject ${subject}`, { subject }, new Error('answer without id'));
    return id;
  }

  /** The writer schema of an id; a refusal counts as "no such schema" only if the registry passes the probe. */
  async function fetchWriterSchema(schemaId: number): Promise<Record<string, unknown>> {
    try {
      const answer = await call(`/schemas/ids/${schemaId}`, `schema id ${schemaId}`, { schemaId });
      probe.answered(schemaId);
      return answer;
    } catch (error) {
      if (!(error instanceof ThalwegError) || error.retriable || (await probe.answersForKnownIds())) throw error;
      throw new ThalwegError(
        'THALWEG_REGISTRY_UNAVAILABLE',
        `schema id ${schemaId}: the registry at ${url} refuses it (${error.message}) and answers for no schema it should hold: is the URL right, or was the registry rebuilt?`,
        { cause: error, details: { schemaId } },
      );
    }
  }

  const writerType = memoise(async (schemaId: number) => {
    const { schema, schemaType } = await fetchWriterSchema(schemaId);
    if (schemaType !== undefined && schemaType !== 'AVRO') {
      throw new ThalwegError('THALWEG_EVENT_UNDECODABLE', `schema id ${schemaId} is ${String(schemaType)}, not Avro`, { details: { schemaId } });
    }
    try {
      return parseAvroSchema(JSON.parse(String(schema)) as avro.Schema);
    } catch (error) {
      throw new ThalwegError('THALWEG_SCHEMA_INVALID', `schema id ${schemaId} does not parse: ${(error as Error).message}`, { cause: error, details: { schemaId } });
    }
  });

  const idsBySchema = new WeakMap<object, Map<string, Promise<number>>>();
  const readers = new WeakMap<object, { reader: avro.Type; resolvers: Map<number, avro.Resolver> }>();

  /**
   * A resolver reads data written with the writer schema as the reader schema (Avro schema
   * resolution). Cached per reader schema object and writer id, so the hot path never serialises.
   */
  function resolverFor(schemaId: number, writer: avro.Type, readerSchema: avro.Schema): { reader: avro.Type; resolver: avro.Resolver } {
    let cached = readers.get(readerSchema as object);
    if (!cached) readers.set(readerSchema as object, (cached = { reader: parseAvroSchema(readerSchema), resolvers: new Map() }));
    const { reader, resolvers } = cached;
    let resolver = resolvers.get(schemaId);
    if (!resolver) {
      try {
        resolver = reader.createResolver(writer);
      } catch (error) {
        throw new ThalwegError('THALWEG_EVENT_UNDECODABLE', `schema id ${schemaId} cannot be read as ${String(reader.name)}: ${(error as Error).message}`, { cause: error, details: { schemaId } });
      }
      resolvers.set(schemaId, resolver);
    }
    return { reader, resolver };
  }

  return {
    /** The registry id of `schema` under `subject`; THALWEG_SCHEMA_NOT_FOUND when not registered there. */
    idFor(subject: string, schema: avro.Schema): Promise<number> {
      // Keyed by the schema object first: serialising the schema on every publish costs more than the rest of the event.
      let bySubject = idsBySchema.get(schema as object);
      if (!bySubject) idsBySchema.set(schema as object, (bySubject = new Map()));
      let pending = bySubject.get(subject);
      if (!pending) {
        pending = lookUpId(subject, schema);
        pending.catch(() => bySubject.delete(subject));
        bySubject.set(subject, pending);
      }
      return pending;
    },

    /** Encodes with an already-validated Avro type; no registry round trip. */
    encode(schemaId: number, type: avro.Type, payload: unknown): Buffer {
      const body = type.toBuffer(payload);
      const header = Buffer.alloc(WIRE_HEADER_LENGTH);
      header.writeInt32BE(schemaId, 1);
      return Buffer.concat([header, body]);
    },

    /** Decodes a wire-format value, into `readerSchema`'s shape when given (schema evolution). */
    async decode(buffer: Buffer | null, readerSchema?: avro.Schema): Promise<DecodedValue> {
      if (!buffer || buffer.length < WIRE_HEADER_LENGTH || buffer[0] !== 0) {
        throw new ThalwegError('THALWEG_EVENT_UNDECODABLE', 'value is not in the Confluent wire format (magic byte 0 + schema id)');
      }
      const schemaId = buffer.readInt32BE(1);
      const writer = await writerType(schemaId);
      const body = buffer.subarray(WIRE_HEADER_LENGTH);
      try {
        if (!readerSchema) return { schemaId, writerType: writer.name, payload: writer.fromBuffer(body) as Record<string, unknown> };
        const { reader, resolver } = resolverFor(schemaId, writer, readerSchema);
        return { schemaId, writerType: writer.name, payload: reader.fromBuffer(body, resolver) as Record<string, unknown> };
      } catch (error) {
        if (error instanceof ThalwegError) throw error;
        throw new ThalwegError('THALWEG_EVENT_UNDECODABLE', `value does not decode with schema id ${schemaId}: ${(error as Error).message}`, { cause: error, details: { schemaId } });
      }
    },
  };
}

export type SchemaRegistryClient = ReturnType<typeof createSchemaRegistryClient>;
