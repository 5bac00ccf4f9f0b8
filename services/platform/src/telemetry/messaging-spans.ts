import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Link, type Span } from '@opentelemetry/api';

/**
 * The spans Thalweg makes around Kafka, after OpenTelemetry's messaging conventions: a `send`
 * span (PRODUCER) around a publish, whose context every event carries in its `traceparent` and
 * `tracestate` headers (the CloudEvents distributed tracing extension); a `process` span
 * (CONSUMER) around the work done for records, linked to each record's creation context. With no
 * SDK started (a test process, OTEL_SDK_DISABLED) every span is a no-op and events keep the
 * trace context they were given.
 */
const tracer = trace.getTracer('thalweg');

/** Links a span may carry: a batch of thousands links to its first records only. */
const MAX_LINKS = 128;

export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/** The context a record's trace headers name: its creation context (the span that sent it). */
function creationContext(headers: TraceHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** The W3C trace headers of a context's span; none when it has no recording span. */
export function traceHeadersOf(active: Context): TraceHeaders {
  if (!trace.getSpan(active)?.isRecording()) return {};
  const carrier: TraceHeaders = {};
  propagation.inject(active, carrier);
  return carrier;
}

async function inSpan<T>(span: Span, active: Context, work: (active: Context) => Promise<T>): Promise<T> {
  try {
    return await context.with(active, () => work(active));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** Runs a publish to `topics` in a `send` span, a child of whatever span is active (the request's). */
export function inSendSpan<T>(topics: string[], count: number, work: (active: Context) => Promise<T>): Promise<T> {
  const destinations = [...new Set(topics)];
  const span = tracer.startSpan(`send ${destinations.join(',')}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': destinations.join(','),
      'messaging.batch.message_count': count,
    },
  });
  return inSpan(span, trace.setSpan(context.active(), span), work);
}

export interface ProcessedRecords {
  topic: string;
  partition: number;
  group: string;
  /** The records' offsets and trace headers, in order. */
  records: Array<{ offset: string; headers: TraceHeaders }>;
}

/**
 * Runs the processing of records in a `process` span. It links to every record's creation
 * context and, when they all belong to one trace (one record, or one command's events), is a
 * child of the first one's, so a request, its events and their projection read as one trace.
 */
export function inProcessSpan<T>({ topic, partition, group, records }: ProcessedRecords, work: (active: Context) => Promise<T>): Promise<T> {
  const contexts = records.map(({ headers }) => trace.getSpanContext(creationContext(headers)));
  const traces = new Set(contexts.map((found) => found?.traceId));
  const parent = traces.size === 1 && contexts[0] ? trace.setSpanContext(ROOT_CONTEXT, contexts[0]) : ROOT_CONTEXT;
  const links: Link[] = contexts.filter((found) => found !== undefined).slice(0, MAX_LINKS).map((found) => ({ context: found! }));
  const span = tracer.startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.consumer.group.name': group,
        'messaging.kafka.offset': Number(records[0]?.offset ?? -1),
        'messaging.batch.message_count': records.length,
      },
    },
    parent,
  );
  return inSpan(span, trace.setSpan(parent, span), work);
}

/** The active span's trace and span ids, for log lines; none outside a recording span. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
