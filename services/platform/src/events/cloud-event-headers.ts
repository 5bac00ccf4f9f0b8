import type { IHeaders } from 'kafkajs';

/** Event metadata, carried in Kafka headers (CloudEvents Kafka binding, binary mode). */
export interface EventMetadata {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: Date;
  tenant: string;
  correlationId: string;
  causationId?: string;
  traceparent: string;
  tracestate?: string;
}

export const CONTENT_TYPE_AVRO = 'application/avro';

export const headerNames = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  tenant: 'thalweg_tenant',
  correlationId: 'thalweg_correlation_id',
  causationId: 'thalweg_causation_id',
} as const;

export function toHeaders(metadata: EventMetadata): IHeaders {
  const headers: IHeaders = {
    [headerNames.specversion]: '1.0',
    [headerNames.id]: metadata.id,
    [headerNames.type]: metadata.type,
    [headerNames.source]: metadata.source,
    [headerNames.time]: metadata.time.toISOString(),
    [headerNames.subject]: metadata.subject,
    [headerNames.contentType]: CONTENT_TYPE_AVRO,
    [headerNames.traceparent]: metadata.traceparent,
    [headerNames.tenant]: metadata.tenant,
    [headerNames.correlationId]: metadata.correlationId,
  };
  if (metadata.causationId) headers[headerNames.causationId] = metadata.causationId;
  if (metadata.tracestate) headers[headerNames.tracestate] = metadata.tracestate;
  return headers;
}

/** Reads one header as text; Kafka may deliver a header as a buffer, a string or several values. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** Reads the metadata back; missing required headers are reported by name. */
export function fromHeaders(headers: IHeaders | undefined): { metadata?: EventMetadata; missing: string[] } {
  const read = (name: string) => headerText(headers, name);
  const required = [headerNames.id, headerNames.type, headerNames.source, headerNames.time, headerNames.subject, headerNames.tenant];
  const missing = required.filter((name) => !read(name));
  if (missing.length > 0) return { missing };
  const time = new Date(read(headerNames.time)!);
  if (Number.isNaN(time.getTime())) return { missing: [headerNames.time] };
  const metadata: EventMetadata = {
    id: read(headerNames.id)!,
    type: read(headerNames.type)!,
    source: read(headerNames.source)!,
    subject: read(headerNames.subject)!,
    time,
    tenant: read(headerNames.tenant)!,
    correlationId: read(headerNames.correlationId) ?? read(headerNames.id)!,
    traceparent: read(headerNames.traceparent) ?? '',
  };
  const causationId = read(headerNames.causationId);
  const tracestate = read(headerNames.tracestate);
  if (causationId) metadata.causationId = causationId;
  if (tracestate) metadata.tracestate = tracestate;
  return { metadata, missing: [] };
}
