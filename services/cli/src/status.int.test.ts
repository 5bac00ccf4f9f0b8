import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@thalweg/platform/schemas';
import { createTestTopic, freePort, onCleanup, testAdmin, testKafka, uniqueName, waitFor } from '@thalweg/platform/testing';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { runThalweg, transcript } from './testing/run-thalweg.ts';

type Admin = Awaited<ReturnType<typeof testAdmin>>;

interface StatusJson {
  healthy: boolean;
  components: Array<{ component: string; state: string; endpoint: string; detail: string }>;
  services: Array<{ service: string; source: string; instances: Array<{ url: string; state: string }> }>;
  groups: Array<{ group: string; lag: number | null; topics: Array<{ topic: string; lag: number | null; partitions: Array<{ partition: number; end: number; committed: number | null; lag: number }> }> }>;
}

function parse(run: Awaited<ReturnType<typeof runThalweg>>): StatusJson {
  try {
    return JSON.parse(run.stdout) as StatusJson;
  } catch (error) {
    throw new Error(`not JSON:\n${transcript(run)}`, { cause: error });
  }
}

/** A topic of the test's own with `counts[p]` records on partition p, declared (with `groups` reading it) in a topics directory of its own. */
async function declaredTopic(t: TestContext, admin: Admin, groups: string[], counts: number[]) {
  const topic = await createTestTopic(t, admin, { name: `${uniqueName('it', '')}.wallets.v1`, partitions: counts.length });
  for (const group of groups) onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const dir = mkdtempSync(join(tmpdir(), 'thalweg-status-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, `${topic}.yaml`),
    [
      `name: ${topic}`,
      'description: Integration test topic.',
      `partitions: ${counts.length}`,
      'replicationFactor: 1',
      'eventTypes: [thalweg.ledger.WalletOpened]',
      'producers: [command-api]',
      'consumers:',
      ...groups.map((group) => `  - group: ${group}`),
      '',
    ].join('\n'),
  );
  const producer = testKafka().producer();
  await producer.connect();
  onCleanup(t, () => producer.disconnect());
  await producer.send({ topic, acks: -1, messages: counts.flatMap((count, partition) => Array.from({ length: count }, (_, index) => ({ partition, value: `record ${index}` }))) });
  return { topic, dir };
}

/** Every service looked for on a port nothing listens on, so the run does not depend on which services run. */
async function absentServices(): Promise<Record<string, string>> {
  const services = ['command-api', 'query-api', 'search-api', 'projector-postgres', 'projector-search', 'projector-mongo', 'ledger-processor'];
  const env: Record<string, string> = {};
  for (const service of services) env[`THALWEG_${service.toUpperCase().replaceAll('-', '_')}_URL`] = `http://127.0.0.1:${await freePort()}`;
  return env;
}

test('status --json names each declared consumer group with its lag from what was produced and committed', async (t) => {
  const admin = await testAdmin(t);
  const caughtUp = uniqueName('status-test');
  const fresh = uniqueName('status-test');
  const { topic, dir } = await declaredTopic(t, admin, [caughtUp, fresh], [4, 3]);
  await admin.setOffsets({ groupId: caughtUp, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '1' }] });

  const run = await runThalweg(['status', '--json', '--topics-dir', dir], { env: await absentServices() });
  const status = parse(run);
  // Nothing serves on the services' ports: not healthy, exit 1, and still a whole report.
  assert.equal(run.code, 1, transcript(run));
  assert.equal(status.healthy, false);

  const declared = loadTopicSpecs({ root: dir }).get(topic).consumers.map((consumer) => consumer.group).sort();
  assert.deepEqual(status.groups.map((group) => group.group), declared);
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => [partition, { end: Number(high), low: Number(low) }]));
  for (const group of status.groups) {
    const [committed] = await admin.fetchOffsets({ groupId: group.group, topics: [topic] });
    const position = new Map(committed!.partitions.map(({ partition, offset }) => [partition, Number(offset) < 0 ? null : Number(offset)]));
    assert.deepEqual(group.topics.map((entry) => entry.topic), [topic]);
    const expected = [...ends].sort(([a], [b]) => a - b).map(([partition, { end, low }]) => ({ partition, end, committed: position.get(partition) ?? null, lag: end - (position.get(partition) ?? low) }));
    assert.deepEqual(group.topics[0]!.partitions, expected, `${group.group}\n${transcript(run)}`);
    assert.equal(group.lag, expected.reduce((sum, partition) => sum + partition.lag, 0));
  }
  // What the test produced and committed: 4-4 + 3-1 for one group, everything for the other.
  assert.equal(status.groups.find((group) => group.group === caughtUp)?.lag, 2);
  assert.equal(status.groups.find((group) => group.group === fresh)?.lag, 7);

  const kafka = status.components.find((component) => component.component === 'kafka');
  const { brokers } = await admin.describeCluster();
  assert.equal(kafka?.state, 'up', transcript(run));
  assert.equal(kafka.detail.split(';')[0], `${brokers.length} broker(s): ${brokers.map((broker) => broker.nodeId).sort((a, b) => a - b).join(',')}`);
  assert.ok(status.services.every((service) => service.instances.every((instance) => instance.state === 'unreachable')), transcript(run));
});

test('status with the repository’s topic specs reports every consumer group they declare, the processor’s and command-api’s too', async () => {
  const run = await runThalweg(['status', '--json'], { env: await absentServices() });
  const status = parse(run);
  const specs = loadTopicSpecs();
  const declared = [...new Set(specs.all().flatMap((spec) => spec.consumers.map((consumer) => consumer.group)))].sort();
  assert.deepEqual(status.groups.map((group) => group.group), declared, transcript(run));
  assert.ok(declared.includes('ledger-processor') && declared.includes('command-api'));
  for (const group of status.groups) {
    assert.deepEqual(group.topics.map((entry) => entry.topic), specs.consumedBy(group.group));
    for (const topic of group.topics) assert.equal(topic.lag, topic.partitions.reduce((sum, partition) => sum + partition.lag, 0), `${group.group} ${topic.topic}`);
  }
});

test('a component that cannot be reached is shown down and the status fails', async () => {
  const redis = `redis://127.0.0.1:${await freePort()}`;
  const run = await runThalweg(['status', '--json'], { env: { THALWEG_REDIS_URL: redis } });
  assert.equal(run.code, 1, transcript(run));
  const component = parse(run).components.find((entry) => entry.component === 'redis');
  assert.equal(component?.state, 'down', transcript(run));
  assert.equal(component.endpoint, redis);
  assert.match(component.detail, /ECONNREFUSED/);

  const text = await runThalweg(['status'], { env: { THALWEG_REDIS_URL: redis } });
  assert.equal(text.code, 1, transcript(text));
  assert.match(text.stdout, new RegExp(`^redis +down +${redis.replaceAll('.', '\\.')} +`, 'm'), transcript(text));
});

test('status --watch --json prints a fresh look every period until stopped', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), 'status', '--watch', '1', '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ...(await absentServices()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  onCleanup(t, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const looks = await waitFor(
    () => {
      const lines = stdout.split('\n').filter(Boolean);
      return lines.length >= 2 ? lines.slice(0, 2).map((line) => JSON.parse(line) as StatusJson & { at: string }) : undefined;
    },
    { timeout: 30_000, description: 'two looks from status --watch' },
  );
  assert.notEqual(looks[0]!.at, looks[1]!.at);
  assert.ok(Date.parse(looks[1]!.at) - Date.parse(looks[0]!.at) >= 1_000, 'a look per period of 1 s, not faster');
  for (const look of looks) assert.deepEqual(look.groups.map((group) => group.group), [...new Set(loadTopicSpecs().all().flatMap((spec) => spec.consumers.map((consumer) => consumer.group)))].sort());
  assert.equal(child.exitCode, null, 'still watching');
});
