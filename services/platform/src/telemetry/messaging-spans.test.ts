import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createLogger } from './logger.ts';
import { inProcessSpan, inSendSpan, traceHeadersOf } from './messaging-spans.ts';

// A real tracer provider with an in-memory exporter: the spans as an OTLP exporter would get them.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
after(() => provider.shutdown());

const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

test('a send span is a child of the active span, and its context is what the events carry', async () => {
  exporter.reset();
  let headers: { traceparent?: string } = {};
  await trace.getTracer('test').startActiveSpan('request', async (request) => {
    await inSendSpan(['ledger.commands.v1', 'ledger.commands.v1'], 2, async (active) => {
      headers = traceHeadersOf(active);
    });
    request.end();
  });
  const send = exporter.getFinishedSpans().find((span) => span.name === 'send ledger.commands.v1')!;
  const request = exporter.getFinishedSpans().find((span) => span.name === 'request')!;
  assert.equal(send.kind, SpanKind.PRODUCER);
  assert.equal(send.parentSpanContext?.spanId, request.spanContext().spanId);
  assert.equal(send.attributes['messaging.batch.message_count'], 2);
  assert.equal(headers.traceparent, traceparent(send.spanContext().traceId, send.spanContext().spanId), 'the events name the send span');
});

test('a batch of one trace is processed in that trace, linked to each record', async () => {
  exporter.reset();
  const records = [
    { offset: '7', headers: { traceparent: traceparent(A, '1'.repeat(16)) } },
    { offset: '8', headers: { traceparent: traceparent(A, '2'.repeat(16)) } },
  ];
  await inProcessSpan({ topic: 'ledger.wallets.v1', partition: 2, group: 'projector-postgres', records }, async () => {
    // What runs inside (a store call) is the process span's child.
    trace.getTracer('test').startSpan('pg.query').end();
  });
  const [store, processed] = exporter.getFinishedSpans();
  assert.equal(processed!.name, 'process ledger.wallets.v1');
  assert.equal(processed!.kind, SpanKind.CONSUMER);
  assert.equal(processed!.spanContext().traceId, A);
  assert.equal(processed!.parentSpanContext?.spanId, '1'.repeat(16), "the first record's creation context is the parent");
  assert.deepEqual(processed!.links.map((link) => link.context.spanId), ['1'.repeat(16), '2'.repeat(16)]);
  assert.deepEqual(
    { group: processed!.attributes['messaging.consumer.group.name'], partition: processed!.attributes['messaging.destination.partition.id'], offset: processed!.attributes['messaging.kafka.offset'] },
    { group: 'projector-postgres', partition: '2', offset: 7 },
  );
  assert.equal(store!.parentSpanContext?.spanId, processed!.spanContext().spanId);
});

test('a batch of several traces is a trace of its own, linked to each; a record without trace headers adds no link', async () => {
  exporter.reset();
  const records = [
    { offset: '1', headers: { traceparent: traceparent(A, '1'.repeat(16)) } },
    { offset: '2', headers: { traceparent: traceparent(B, '2'.repeat(16)) } },
    { offset: '3', headers: {} },
  ];
  await inProcessSpan({ topic: 't', partition: 0, group: 'g', records }, async () => {});
  const [processed] = exporter.getFinishedSpans();
  assert.equal(processed!.parentSpanContext, undefined);
  assert.ok(![A, B].includes(processed!.spanContext().traceId));
  assert.deepEqual(processed!.links.map((link) => link.context.traceId), [A, B]);
});

test('a failure is recorded on the span, which still ends, and is thrown on', async () => {
  exporter.reset();
  await assert.rejects(inProcessSpan({ topic: 't', partition: 0, group: 'g', records: [] }, async () => Promise.reject(new Error('store down'))), /store down/);
  const [processed] = exporter.getFinishedSpans();
  assert.equal(processed!.status.message, 'store down');
  assert.equal(processed!.events[0]?.name, 'exception');
});

test('log lines carry the trace and span id of the active span, and none outside one', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  logger.info('outside');
  await trace.getTracer('test').startActiveSpan('work', async (span) => {
    logger.info('inside');
    span.end();
    assert.deepEqual([lines[1]!.trace_id, lines[1]!.span_id], [span.spanContext().traceId, span.spanContext().spanId]);
  });
  assert.equal(lines[0]!.trace_id, undefined);
  assert.equal(lines.length, 2);
});
