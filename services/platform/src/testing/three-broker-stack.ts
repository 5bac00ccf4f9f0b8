import type { TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka, kafkaSasl } from '../kafka/index.ts';
import { onCleanup } from './cleanup.ts';
import { uniqueName } from './unique.ts';

const run = promisify(execFile);
const stackScript = fileURLToPath(new URL('../../../../compose/native/stack.sh', import.meta.url));

/**
 * A Kafka cluster of three nodes (BROKERS=3: RF 3, min ISR 2, SASL as in the main stack) of the
 * test's own, in a home and on ports apart from the stack the other tests use (`portOffset` above
 * the stack's), stopped and removed when the test ends. `stack('down', 'kafka-2')` stops a broker.
 */
export async function startThreeBrokerStack(t: TestContext, { portOffset }: { portOffset: number }): Promise<{ brokers: string[]; kafka: Kafka; stack: (...args: string[]) => Promise<unknown> }> {
  const home = mkdtempSync(join(tmpdir(), 'thalweg-3-'));
  const offset = Number(process.env.THALWEG_PORT_OFFSET ?? 0) + portOffset;
  const env = { ...process.env, THALWEG_HOME: home, THALWEG_PORT_OFFSET: String(offset), BROKERS: '3' };
  const stack = (...args: string[]) => run('bash', [stackScript, ...args], { env, maxBuffer: 10_000_000 });
  onCleanup(t, async () => {
    await stack('down').catch(() => {});
    rmSync(home, { recursive: true, force: true });
  });
  await stack('up', 'kafka');
  const brokers = [9092, 9093, 9094].map((port) => `127.0.0.1:${port + offset}`);
  // The brokers require SASL: the operator's credentials are those this stack wrote to its stack.env.
  const stackEnv = Object.fromEntries([...readFileSync(join(home, 'stack.env'), 'utf8').matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1], match[2]]));
  const sasl = kafkaSasl({ kafkaUsername: stackEnv.THALWEG_KAFKA_USERNAME ?? '', kafkaPassword: stackEnv.THALWEG_KAFKA_PASSWORD ?? '' });
  if (!sasl) throw new Error(`${home}/stack.env names no operator principal`);
  return { brokers, kafka: createKafka({ brokers, clientId: uniqueName('three-brokers'), sasl }), stack };
}
