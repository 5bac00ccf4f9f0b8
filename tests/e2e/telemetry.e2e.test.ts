import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { waitFor } from '@thalweg/platform/testing';
import { COMMANDS_TOPIC, LEDGER_TOPIC, startWalletServices } from './wallet-services.ts';

// The trace backend and Prometheus the stack runs (stack.env), as an operator reads them.
const tracesUrl = process.env.THALWEG_TRACES_URL ?? 'http://127.0.0.1:16686';
const prometheusUrl = process.env.THALWEG_PROMETHEUS_URL ?? 'http://127.0.0.1:9090';

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function traceById(traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${tracesUrl}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, `the trace backend answered ${response.status}`);
  return ((await response.json()) as { data: JaegerTrace[] }).data[0];
}

async function promQuery(query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  assert.equal(response.status, 200, `Prometheus answered ${response.status} to ${query}`);
  return ((await response.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
}

const tag = (span: JaegerSpan, key: string) => span.tags.find((entry) => entry.key === key)?.value;

test('one command is one trace: the HTTP request, its publish, the decision and the projection; Prometheus has the projection applied and its lag', { timeout: 180_000 }, async (t) => {
  const path = await startWalletServices(t);
  // The caller's own trace context, as a client or APISIX sends it: everything hangs from it.
  const traceId = randomBytes(16).toString('hex');
  const opened = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'traced', currency: 'EUR' }, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  assert.equal(opened.status, 202);

  const serviceOf = (found: JaegerTrace, span: JaegerSpan) => found.processes[span.processID]?.serviceName;
  let trace: JaegerTrace | undefined;
  const find = (service: string, operation: string) => trace?.spans.find((span) => serviceOf(trace!, span) === service && span.operationName === operation);
  await waitFor(
    async () => {
      trace = await traceById(traceId);
      return Boolean(find('projector-postgres', `process ${LEDGER_TOPIC}`) && find('ledger-processor', `process ${COMMANDS_TOPIC}`));
    },
    { timeout: 60_000, interval: 500, description: 'the trace holds the decision and the projection' },
  ).catch((error: unknown) => {
    assert.fail(`${(error as Error).message}; spans so far: ${JSON.stringify(trace?.spans.map((span) => `${serviceOf(trace!, span)} ${span.operationName}`))}`);
  });

  const http = trace!.spans.find((span) => serviceOf(trace!, span) === 'command-api' && tag(span, 'span.kind') === 'server');
  assert.ok(http, 'the HTTP server span of command-api');
  assert.equal(tag(http, 'http.route'), '/v1/wallets');
  const send = find('command-api', `send ${COMMANDS_TOPIC}`);
  assert.ok(send, 'the publish span');
  assert.equal(tag(send, 'span.kind'), 'producer');
  const decision = find('ledger-processor', `process ${COMMANDS_TOPIC}`)!;
  assert.ok(decision.references.some((reference) => reference.spanID === send.spanID), 'the decision follows the publish');
  const projection = find('projector-postgres', `process ${LEDGER_TOPIC}`)!;
  assert.equal(tag(projection, 'messaging.consumer.group.name'), path.group);
  assert.equal(tag(projection, 'messaging.system'), 'kafka');
  assert.equal(typeof tag(projection, 'messaging.kafka.offset'), 'number');
  const storeCalls = trace!.spans.filter((span) => span.references.some((reference) => reference.refType === 'CHILD_OF' && reference.spanID === projection.spanID));
  assert.ok(storeCalls.some((span) => span.operationName.startsWith('pg.')), `the store's calls are children of the projection span: ${storeCalls.map((span) => span.operationName).join(', ')}`);

  // The projection's own metrics, as Prometheus scraped them from the projector's /metrics.
  const group = JSON.stringify(path.group);
  await waitFor(async () => (await promQuery(`thalweg_projection_events_applied_total{group=${group}}`)).some((sample) => Number(sample.value[1]) >= 1), {
    timeout: 60_000,
    interval: 1_000,
    description: 'Prometheus has the projection applied',
  });
  const lag = await promQuery(`thalweg_projection_lag{group=${group},topic="${LEDGER_TOPIC}"}`);
  assert.ok(lag.length > 0, 'the lag of every partition the projector applied');
  assert.ok(lag.every((sample) => sample.metric.service === 'projector-postgres' && Number(sample.value[1]) >= 0));
});
