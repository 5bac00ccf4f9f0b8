import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '@thalweg/platform/testing';

// The native stack's observability backends: Jaeger receives OTLP and answers its query API,
// Prometheus scrapes itself and every Thalweg service (`stack.sh up prometheus jaeger`). The
// addresses come from .thalweg/stack.env, or default to the stack's ports.
const run = promisify(execFile);
const servicesScript = fileURLToPath(new URL('./services.sh', import.meta.url));
const offset = Number(process.env.THALWEG_PORT_OFFSET ?? 0);
const trimmed = (url: string) => url.replace(/\/+$/, '');
const PROMETHEUS_URL = trimmed(process.env.THALWEG_PROMETHEUS_URL || `http://127.0.0.1:${9090 + offset}`);
const TRACES_URL = trimmed(process.env.THALWEG_TRACES_URL || `http://127.0.0.1:${16686 + offset}`);
const OTLP_URL = trimmed(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || `http://127.0.0.1:${4318 + offset}`);

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }); // ms
  return { status: response.status, body: (await response.json()) as T };
}

type JaegerTrace = {
  traceID: string;
  spans: { spanID: string; operationName: string; processID: string }[];
  processes: Record<string, { serviceName: string }>;
};
type JaegerAnswer = { data: JaegerTrace[] | null; errors: unknown };

type Target = { labels: Record<string, string>; scrapeUrl: string; health: string };
type PromAnswer<T> = { status: string; data: T };

/** The services services.sh starts, with their ports: `services.sh list`, what Prometheus is configured from. */
async function nativeServices(): Promise<{ service: string; port: number }[]> {
  const { stdout } = await run('bash', [servicesScript, 'list'], { env: process.env });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [service, port] = line.trim().split(/\s+/);
      return { service: service!, port: Number(port) };
    });
}

before(async () => {
  await waitFor(async () => (await fetch(`${PROMETHEUS_URL}/-/ready`, { signal: AbortSignal.timeout(2_000) })).status === 200, {
    timeout: 30_000,
    description: `Prometheus ready at ${PROMETHEUS_URL} (compose/native/stack.sh up prometheus)`,
  });
  await waitFor(async () => (await fetch(`${TRACES_URL}/api/services`, { signal: AbortSignal.timeout(2_000) })).status === 200, {
    timeout: 30_000,
    description: `the trace query API at ${TRACES_URL} (compose/native/stack.sh up jaeger)`,
  });
});

test('a span sent over OTLP/HTTP is found by its trace id and by its service', async () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const serviceName = `thalweg-test-${randomUUID()}`;
  const start = BigInt(Date.now()) * 1_000_000n; // ns
  const response = await fetch(`${OTLP_URL}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
          scopeSpans: [
            {
              scope: { name: 'observability-backends.int.test' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'probe span',
                  kind: 2, // SPAN_KIND_SERVER
                  startTimeUnixNano: String(start),
                  endTimeUnixNano: String(start + 2_000_000n),
                  attributes: [{ key: 'thalweg.test', value: { boolValue: true } }],
                },
              ],
            },
          ],
        },
      ],
    }),
    signal: AbortSignal.timeout(5_000),
  });
  assert.equal(response.status, 200, `POST ${OTLP_URL}/v1/traces answered ${response.status}: ${await response.text()}`);

  // The receiver batches before storing: poll until the trace is there.
  const trace = await waitFor(
    async () => {
      const { status, body } = await getJson<JaegerAnswer>(`${TRACES_URL}/api/traces/${traceId}`);
      return status === 200 ? body.data?.find((candidate) => candidate.traceID === traceId) : undefined;
    },
    { timeout: 20_000, interval: 200, description: `trace ${traceId} in ${TRACES_URL}/api/traces/${traceId}` },
  );
  assert.equal(trace.spans.length, 1);
  const [span] = trace.spans;
  assert.equal(span!.spanID, spanId);
  assert.equal(span!.operationName, 'probe span');
  assert.equal(trace.processes[span!.processID]?.serviceName, serviceName);

  const search = await getJson<JaegerAnswer>(`${TRACES_URL}/api/traces?service=${encodeURIComponent(serviceName)}&lookback=1h&limit=20`);
  assert.equal(search.status, 200);
  assert.deepEqual(
    (search.body.data ?? []).map((found) => found.traceID),
    [traceId],
    `the search by service ${serviceName} finds exactly the trace sent`,
  );
});

test('an unknown trace id is a 404 from the query API, not an empty success', async () => {
  const { status } = await getJson<JaegerAnswer>(`${TRACES_URL}/api/traces/${randomBytes(16).toString('hex')}`);
  assert.equal(status, 404);
});

test('Prometheus scrapes itself: up{job="prometheus"} is 1', async () => {
  // The first scrape happens within one scrape interval (15 s) of the start.
  const value = await waitFor(
    async () => {
      const { body } = await getJson<PromAnswer<{ result: { metric: Record<string, string>; value: [number, string] }[] }>>(
        `${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent('up{job="prometheus"}')}`,
      );
      return body.status === 'success' && body.data.result.length > 0 ? body.data.result : undefined;
    },
    { timeout: 45_000, interval: 500, description: 'a sample of up{job="prometheus"}' },
  );
  assert.deepEqual(
    value.map((sample) => sample.value[1]),
    ['1'],
  );
});

test('Prometheus has a thalweg-services target for every service services.sh starts, on its port', async () => {
  const services = await nativeServices();
  assert.ok(services.length >= 7, `services.sh list names the services: ${JSON.stringify(services)}`);
  const { status, body } = await getJson<PromAnswer<{ activeTargets: Target[] }>>(`${PROMETHEUS_URL}/api/v1/targets?state=active`);
  assert.equal(status, 200);
  const scraped = body.data.activeTargets
    .filter((target) => target.labels.job === 'thalweg-services')
    .map((target) => ({ service: target.labels.service, url: target.scrapeUrl }))
    .sort((a, b) => String(a.service).localeCompare(String(b.service)));
  const expected = services
    .map(({ service, port }) => ({ service, url: `http://127.0.0.1:${port}/metrics` }))
    .sort((a, b) => a.service.localeCompare(b.service));
  assert.deepEqual(scraped, expected);
  const itself = body.data.activeTargets.filter((target) => target.labels.job === 'prometheus');
  assert.deepEqual(
    itself.map((target) => target.scrapeUrl),
    [`${PROMETHEUS_URL}/metrics`],
  );
});
