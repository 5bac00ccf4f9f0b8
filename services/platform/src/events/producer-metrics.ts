import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../telemetry/index.ts';

const registers = [metricsRegistry];

const sendDuration = new Histogram({
  name: 'thalweg_producer_send_duration_seconds',
  help: 'From a publish call to the brokers acknowledging it (acks=all), encoding included, by topic',
  labelNames: ['topic'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});
const sent = new Counter({ name: 'thalweg_producer_events_sent_total', help: 'Events the brokers acknowledged, by topic', labelNames: ['topic'], registers });
const failures = new Counter({
  name: 'thalweg_producer_send_failures_total',
  help: 'Publish calls that failed, by topic and error code (a payload refused, Kafka unavailable)',
  labelNames: ['topic', 'code'],
  registers,
});

/** A publish that was acknowledged: each of its topics' events, and how long it took. */
export function recordSent(topics: string[], seconds: number): void {
  for (const topic of new Set(topics)) sendDuration.observe({ topic }, seconds);
  for (const topic of topics) sent.inc({ topic });
}

export function recordSendFailure(topics: string[], code: string): void {
  for (const topic of new Set(topics)) failures.inc({ topic, code });
}
