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

/** Every partition the projector has applied is at the topic's end, by its own /metrics. */
function caughtUp(metrics: string, group: string): boolean {
  const lags = metrics.split('\n').filter((line) => line.startsWith('thalweg_projection_lag{') && line.includes(`group="${group}"`) && line.includes(`topic="${LEDGER_TOPIC}"`));
  return lags.length > 0 && lags.every((line) => Number(line.split(' ').at(-1)) === 0);
}

const tag = (span: JaegerSpan, key: string) => span.tags.find((entry) => entry.key === key)?.value;

test('one command is one trace: the HTTP request, its publish and the decision, and its projection in it or linked from it; Prometheus has the projection applied and its lag', { timeout: 180_000 }, async (t) => {
  const path = await startWalletServices(t);
  // The projector reads the ledger topic from its first offset: once it has caught up, the
  // command's event comes in a batch of its own (nothing else is published meanwhile).
  await waitFor(async () => caughtUp(await (await fetch(`${path.urls.projector}/metrics`)).text(), path.group), { timeout: 120_000, interval: 500, description: 'the projector caught up with the ledger topic' });
  // The caller's own trace context, as a client or APISIX sends it: everything hangs from it.
  const traceId = randomBytes(16).toString('hex');
  const opened = await path.command('POST', '/v1/wallets', { as: 'alice', body: { ownerId: 'traced', currency: 'EUR' }, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  assert.equal(opened.status, 202);

  const serviceOf = (found: JaegerTrace, span: JaegerSpan) => found.processes[span.processID]?.serviceName;
  let trace: JaegerTrace | undefined;
  const find = (service: string, operation: string) => trace?.spans.find((span) => serviceOf(trace!, span) === service && span.operationName === operation);
  // The projection of the command's event: in the command's trace when its batch held that trace
  // alone; otherwise the root of a trace of its own that links to the decision (docs/observability.md).
  let projectionTrace: JaegerTrace | undefined;
  let projection: JaegerSpan | undefined;
  const findProjection = async (decision: JaegerSpan) => {
    const inTrace = find('projector-postgres', `process ${LEDGER_TOPIC}`);
    if (inTrace) return { found: trace!, span: inTrace };
    const recent = await fetch(`${tracesUrl}/api/traces?service=projector-postgres&operation=${encodeURIComponent(`process ${LEDGER_TOPIC}`)}&lookback=15m&limit=100`);
    for (const candidate of ((await recent.json()) as { data: JaegerTrace[] }).data) {
      const span = candidate.spans.find((entry) => entry.operationName === `process ${LEDGER_TOPIC}` && entry.references.some((reference) => reference.spanID === decision.spanID));
      if (span) return { found: candidate, span };
    }
    return undefined;
  };
  await waitFor(
    async () => {
      trace = await traceById(traceId);
      const decision = find('ledger-processor', `process ${COMMANDS_TOPIC}`);
      const located = decision && (await findProjection(decision));
      if (located) [projectionTrace, projection] = [located.found, located.span];
      return Boolean(located);
    },
    { timeout: 60_000, interval: 500, description: 'the trace holds the decision, and its projection is found' },
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
  assert.ok(projection!.references.some((reference) => reference.spanID === decision.spanID), 'the projection links to the decision that wrote its event');
  assert.equal(tag(projection!, 'messaging.consumer.group.name'), path.group);
  assert.equal(tag(projection!, 'messaging.system'), 'kafka');
  assert.equal(typeof tag(projection!, 'messaging.kafka.offset'), 'number');
  const storeCalls = projectionTrace!.spans.filter((span) => span.references.some((reference) => reference.refType === 'CHILD_OF' && reference.spanID === projection!.spanID));
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
