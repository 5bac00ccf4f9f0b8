/**
 * make bench: what telemetry costs. The same work in fresh processes with tracing on (the
 * telemetry register, every span exported over OTLP to the stack's trace backend) and off (no SDK
 * started), alternating, BENCH_ROUNDS rounds each (telemetry-workload.ts): the producer SDK
 * publishing ledger events, and the guarded API route served there while this process, which
 * traces nothing, is the caller. Throughput, and the measured process's CPU per event or request,
 * which the other processes on the machine disturb less. Metrics are recorded in both modes:
 * prom-client counts whatever tracing does.
 */
import { execFile, spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { userToken } from '@thalweg/platform/testing';
import { REQUESTS, round } from './api-guard-server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const run = promisify(execFile);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type Mode = 'off' | 'on';
interface Measured {
  perSecond: number;
  cpuMicrosPerItem: number;
}

function processOptions(mode: Mode) {
  if (mode === 'on' && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT is not set: run make stack first (stack.env names the trace backend)');
  return {
    args: mode === 'on' ? ['--import', 'tsx', '--import', '@thalweg/platform/telemetry/register'] : ['--import', 'tsx'],
    env: { ...process.env, ...(mode === 'on' ? { OTEL_SERVICE_NAME: 'bench-telemetry' } : { OTEL_SDK_DISABLED: 'true' }) },
  };
}

async function producer(mode: Mode): Promise<Measured> {
  const { args, env } = processOptions(mode);
  const { stdout } = await run(process.execPath, [...args, 'bench/telemetry-workload.ts', 'producer'], { env, maxBuffer: 16 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured;
}

async function route(mode: Mode, token: string): Promise<Measured> {
  const { args, env } = processOptions(mode);
  const child = spawn(process.execPath, [...args, 'bench/telemetry-workload.ts', 'route'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
  try {
    const { url } = (await next()) as { url: string };
    await round(url, token, { requests: 500 }); // warm-up: keys fetched, connections open
    child.kill('SIGUSR2');
    const before = (await next()).cpuMicros as number;
    const { perSecond } = await round(url, token, { requests: REQUESTS });
    child.kill('SIGUSR2');
    const after = (await next()).cpuMicros as number;
    return { perSecond, cpuMicrosPerItem: (after - before) / REQUESTS };
  } finally {
    child.kill('SIGTERM');
  }
}

const token = await userToken('carol');
const results: Record<Mode, { producer: Measured[]; route: Measured[] }> = { off: { producer: [], route: [] }, on: { producer: [], route: [] } };
for (let index = 0; index < ROUNDS; index += 1) {
  // Alternating which goes first, so a slow moment of the machine falls on both.
  for (const mode of (index % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as Mode[]) {
    results[mode].producer.push(await producer(mode));
    results[mode].route.push(await route(mode, token));
    const [published, served] = [results[mode].producer.at(-1)!, results[mode].route.at(-1)!];
    console.error(`round ${index + 1}, tracing ${mode}: producer ${published.perSecond.toFixed(0)} events/s (${published.cpuMicrosPerItem.toFixed(0)} µs CPU each), route ${served.perSecond.toFixed(0)} requests/s (${served.cpuMicrosPerItem.toFixed(0)} µs CPU each)`);
  }
}

const change = (off: number, on: number) => `${(((on - off) / off) * 100).toFixed(1)} %`;
function rows(name: string, unit: string, pick: (mode: Mode) => Measured[]) {
  const [off, on] = [pick('off'), pick('on')];
  const [rateOff, rateOn] = [median(off.map((entry) => entry.perSecond)), median(on.map((entry) => entry.perSecond))];
  const [cpuOff, cpuOn] = [median(off.map((entry) => entry.cpuMicrosPerItem)), median(on.map((entry) => entry.cpuMicrosPerItem))];
  const all = (entries: Measured[], field: keyof Measured) => entries.map((entry) => entry[field].toFixed(0)).join(', ');
  return [
    `| ${name} | ${unit} | ${rateOff.toFixed(0)} | ${rateOn.toFixed(0)} | ${change(rateOff, rateOn)} | off ${all(off, 'perSecond')}; on ${all(on, 'perSecond')} |`,
    `| ${name} | µs CPU per ${unit.split('/')[0]!.replace(/s$/, '')} | ${cpuOff.toFixed(0)} | ${cpuOn.toFixed(0)} | ${change(cpuOff, cpuOn)} | off ${all(off, 'cpuMicrosPerItem')}; on ${all(on, 'cpuMicrosPerItem')} |`,
  ];
}
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`Workload: ${process.env.BENCH_EVENTS ?? 20_000} ledger events in batches of 500; ${REQUESTS} guarded GET requests from 16 callers in another process (decision cache 2 s); median of ${ROUNDS} rounds per mode`);
console.log('');
console.log('| measure | unit | tracing off | tracing on | change | all rounds |');
console.log('|---|---|---:|---:|---:|---|');
for (const line of [...rows('producer SDK publishBatch', 'events/s', (mode) => results[mode].producer), ...rows('guarded API route (token, rate limit, OPA)', 'requests/s', (mode) => results[mode].route)]) console.log(line);
