import type { IHeaders } from 'kafkajs';
import type { TraceHeaders } from '../telemetry/index.ts';
import { headerNames, headerText } from './cloud-event-headers.ts';

/** A record's trace headers as it came off Kafka, whether or not the rest of it decodes. */
export function recordTraceHeaders(headers: IHeaders | undefined): TraceHeaders {
  const traceparent = headerText(headers, headerNames.traceparent);
  const tracestate = headerText(headers, headerNames.tracestate);
  return { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) };
}

/** The records of a fetch as a process span names them: offsets and trace headers, in order. */
export function tracedRecords(messages: Array<{ offset: string; headers?: IHeaders }>): Array<{ offset: string; headers: TraceHeaders }> {
  return messages.map(({ offset, headers }) => ({ offset, headers: recordTraceHeaders(headers) }));
}
