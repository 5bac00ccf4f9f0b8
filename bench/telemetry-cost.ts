/**
 * make bench: what telemetry costs. The same workload (telemetry-workload.ts: the producer SDK,
 * then the guarded API route) in fresh processes with tracing on (the telemetry register, spans
 * exported over OTLP to the stack's trace backend) and off (no SDK started), alternating, three
 * rounds each. Metrics are recorded in both: prom-client counts in the process whatever tracing does.
 */
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const run = promisify(execFile);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type Mode = 'off' | 'on';
interface Result {
  producer: number;
  route: number;
}

async function workload(mode: Mode): Promise<Result> {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (mode === 'on' && !endpoint) throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT is not set: run make stack first (stack.env names the trace backend)');
  const imports = mode === 'on' ? ['--import', 'tsx', '--import', '@thalweg/platform/telemetry/register'] : ['--import', 'tsx'];
  const env = { ...process.env, ...(mode === 'on' ? { OTEL_SERVICE_NAME: 'bench-telemetry' } : { OTEL_SDK_DISABLED: 'true' }) };
  const { stdout } = await run(process.execPath, [...imports, 'bench/telemetry-workload.ts'], { env, maxBuffer: 16 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;
}

const results: Record<Mode, Result[]> = { off: [], on: [] };
for (let index = 0; index < ROUNDS; index += 1) {
  // Alternating which goes first, so a slow moment of the machine falls on both.
  for (const mode of (index % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as Mode[]) {
    const result = await workload(mode);
    results[mode].push(result);
    console.error(`round ${index + 1}, tracing ${mode}: producer ${result.producer.toFixed(0)} events/s, route ${result.route.toFixed(0)} requests/s`);
  }
}
const row = (name: string, unit: string, pick: (result: Result) => number) => {
  const [off, on] = [median(results.off.map(pick)), median(results.on.map(pick))];
  return `| ${name} | ${unit} | ${off.toFixed(0)} | ${on.toFixed(0)} | ${(((on - off) / off) * 100).toFixed(1)} % | off ${results.off.map(pick).map((value) => value.toFixed(0)).join(', ')}; on ${results.on.map(pick).map((value) => value.toFixed(0)).join(', ')} |`;
};
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`Workload: ${process.env.BENCH_EVENTS ?? 20_000} ledger events in batches of 500; ${process.env.BENCH_REQUESTS ?? 5_000} guarded GET requests from 16 callers (decision cache 2 s); median of ${ROUNDS} rounds per mode`);
console.log('');
console.log('| measure | unit | tracing off | tracing on | change | all rounds |');
console.log('|---|---|---:|---:|---:|---|');
console.log(row('producer SDK publishBatch', 'events/s', (result) => result.producer));
console.log(row('guarded API route (token, rate limit, OPA)', 'requests/s', (result) => result.route));
