import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKafka, kafkaSasl } from '@thalweg/platform/kafka';
import { uniqueName, waitFor, onCleanup } from '@thalweg/platform/testing';

const run = promisify(execFile);
const stackScript = new URL('./stack.sh', import.meta.url).pathname;
const PORT_OFFSET = Number(process.env.THALWEG_PORT_OFFSET ?? 0) + 1_000; // beside the stack the other tests use

// BROKERS=3 is the mode in which brokers are stopped and restarted; it must start cleanly with
// RF 3 / min ISR 2 and keep acknowledged writes flowing with one broker down.
test('BROKERS=3 starts a three-node quorum that keeps producing with one broker down', { timeout: 300_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'thalweg-3-'));
  const env = { ...process.env, THALWEG_HOME: home, THALWEG_PORT_OFFSET: String(PORT_OFFSET), BROKERS: '3' };
  const stack = (...args: string[]) => run('bash', [stackScript, ...args], { env, maxBuffer: 10_000_000 });
  onCleanup(t, async () => {
    await stack('down').catch(() => {});
    rmSync(home, { recursive: true, force: true });
  });
  await stack('up', 'kafka');

  const brokers = [9092, 9093, 9094].map((port) => `127.0.0.1:${port + PORT_OFFSET}`);
  // The brokers require SASL: the operator's credentials are those this stack wrote to its stack.env.
  const stackEnv = Object.fromEntries([...readFileSync(join(home, 'stack.env'), 'utf8').matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1], match[2]]));
  const sasl = kafkaSasl({ kafkaUsername: stackEnv.THALWEG_KAFKA_USERNAME ?? '', kafkaPassword: stackEnv.THALWEG_KAFKA_PASSWORD ?? '' });
  assert.ok(sasl, 'stack.env names the operator principal');
  const kafka = createKafka({ brokers, clientId: 'three-brokers-test', sasl });
  const admin = kafka.admin();
  await admin.connect();
  onCleanup(t, () => admin.disconnect());
  assert.equal((await admin.describeCluster()).brokers.length, 3);
  const topic = uniqueName('rf3');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
  const isrSizes = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.map((partition) => partition.isr.length);
  // The new topic's metadata reaches every broker a moment after its leaders are elected.
  await waitFor(async () => (await isrSizes()).join() === '3,3,3', { timeout: 30_000, description: 'every replica in sync' });

  await stack('down', 'kafka-2');
  await waitFor(async () => (await isrSizes()).every((size) => size === 2), { timeout: 60_000, description: 'ISR shrinks to 2' });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  const written = await producer.send({ topic, acks: -1, messages: Array.from({ length: 9 }, (_, index) => ({ key: `k${index}`, value: `v${index}` })) });
  assert.ok(written.every((entry) => entry.errorCode === 0), 'acks=all writes succeed with min ISR 2 of 3');

  await stack('up', 'kafka-2');
  await waitFor(async () => (await isrSizes()).every((size) => size === 3), { timeout: 90_000, description: 'the restarted broker rejoins the ISR' });
});
