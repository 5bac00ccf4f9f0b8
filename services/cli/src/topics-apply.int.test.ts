import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopicsAtEnd, revokeAclsAtEnd, testAdmin, uniqueName, waitFor } from '@thalweg/platform/testing';
import { deadLetterTopicName, desiredAcls, parseTopicSpec, retryTopicName } from '@thalweg/platform/topics';
import { runThalweg, transcript } from './testing/run-thalweg.ts';

/** kafkajs ConfigResourceTypes.TOPIC */
const TOPIC_RESOURCE = 2;

/** The file's own consumer group, so the ACLs apply grants for it are this file's alone. */
const group = uniqueName('projector-test');

/**
 * An admin client, closed when the test ends after the test's topics that exist are deleted and
 * the ACLs `topics apply` grants for `topic`'s spec are revoked.
 */
async function connectedAdmin(t: TestContext, topic: string) {
  const admin = await testAdmin(t);
  deleteTopicsAtEnd(t, admin, [topic, deadLetterTopicName(topic, group), retryTopicName(topic, group)]);
  const spec = parseTopicSpec({ name: topic, description: 'x', partitions: 1, replicationFactor: 1, eventTypes: ['thalweg.ledger.WalletOpened'], producers: ['command-api'], consumers: [{ group }] }, 'acls');
  revokeAclsAtEnd(t, admin, desiredAcls([spec]).bindings);
  return admin;
}

function specFile(dir: string, name: string, partitions: number) {
  writeFileSync(
    join(dir, `${name}.yaml`),
    [
      `name: ${name}`,
      'description: Integration test topic.',
      `partitions: ${partitions}`,
      'replicationFactor: 3',
      'configs:',
      '  cleanup.policy: delete',
      '  retention.ms: -1',
      '  min.insync.replicas: 2',
      '  compression.type: producer',
      'eventTypes: [thalweg.ledger.WalletOpened]',
      'producers: [command-api]',
      'consumers:',
      `  - group: ${group}`,
      '',
    ].join('\n'),
  );
}

test('topics apply creates the declared topic and its dead letter and retry topics, grows partitions, refuses shrinking', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'thalweg-topics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const topic = `${uniqueName('it', '')}.wallets.v1`;
  const dlq = deadLetterTopicName(topic, group);
  const retry = retryTopicName(topic, group);
  const admin = await connectedAdmin(t, topic);
  const args = ['--topics-dir', dir];
  const partitionsOf = async (name: string) => (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]?.partitions.length;
  const { brokers: cluster } = await admin.describeCluster();

  specFile(dir, topic, 3);
  const created = await runThalweg(['topics', 'apply', ...args]);
  assert.equal(created.code, 0, transcript(created));
  assert.match(created.stdout, new RegExp(`\\+ create ${topic.replaceAll('.', '\\.')}\\n`), transcript(created));
  assert.match(created.stdout, new RegExp(`\\+ create ${dlq.replaceAll('.', '\\.')}`), transcript(created));
  assert.match(created.stdout, new RegExp(`\\+ create ${retry.replaceAll('.', '\\.')}  \\(replays for group ${group} on `), transcript(created));
  assert.match(created.stdout, new RegExp(`\\+ grant User:command-api WRITE on topic ${topic.replaceAll('.', '\\.')}\\n`), transcript(created));
  assert.match(created.stdout, new RegExp(`\\+ grant User:${group} READ on groups prefixed ${group}\\n`), transcript(created));
  if (cluster.length < 3) assert.match(created.stdout, /replication factor 3 capped to \d/, transcript(created));

  await waitFor(async () => (await partitionsOf(topic)) === 3 && (await partitionsOf(dlq)) === 3 && (await partitionsOf(retry)) === 3, { description: 'the three topics with 3 partitions' });
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [topic, dlq, retry].map((name) => ({ type: TOPIC_RESOURCE, name })),
  });
  const config = (name: string, key: string) => resources.find((resource) => resource.resourceName === name)?.configEntries.find((entry) => entry.configName === key)?.configValue;
  assert.equal(config(topic, 'retention.ms'), '-1');
  assert.equal(config(topic, 'cleanup.policy'), 'delete');
  assert.equal(config(topic, 'min.insync.replicas'), String(Math.min(2, Math.max(1, Math.min(3, cluster.length) - 1))));
  assert.equal(config(dlq, 'retention.ms'), '2592000000');
  assert.equal(config(dlq, 'cleanup.policy'), 'delete');
  assert.equal(config(retry, 'retention.ms'), '2592000000');
  assert.equal(config(retry, 'cleanup.policy'), 'delete');

  const replan = await waitFor(
    async () => {
      const run = await runThalweg(['topics', 'plan', ...args]);
      return run.code === 0 && /No changes/.test(run.stdout) ? run : undefined;
    },
    { timeout: 30_000, description: 're-plan after apply is empty' },
  );
  assert.doesNotMatch(replan.stdout, /\+ create|~ update|! refused/);

  specFile(dir, topic, 5);
  const grown = await runThalweg(['topics', 'apply', ...args]);
  assert.equal(grown.code, 0, transcript(grown));
  assert.match(grown.stdout, /~ partitions: 3 → 5/, transcript(grown));
  await waitFor(async () => (await partitionsOf(topic)) === 5 && (await partitionsOf(dlq)) === 5 && (await partitionsOf(retry)) === 5, { description: 'the three topics with 5 partitions' });

  specFile(dir, topic, 2);
  const shrunk = await runThalweg(['topics', 'apply', ...args]);
  assert.equal(shrunk.code, 1, transcript(shrunk));
  assert.match(shrunk.stdout, new RegExp(`! refused ${topic.replaceAll('.', '\\.')}\\n.*partitions 5 → 2`), transcript(shrunk));
  assert.match(shrunk.stderr, /THALWEG_TOPIC_CHANGE_DESTRUCTIVE/, transcript(shrunk));
  assert.match(shrunk.stderr, new RegExp(`--allow-destructive ${topic.replaceAll('.', '\\.')}`), transcript(shrunk));
  assert.equal(await partitionsOf(topic), 5, 'the refused change left the topic alone');
});

test('topics plan reports what apply would do and changes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'thalweg-topics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const topic = `${uniqueName('it', '')}.wallets.v1`;
  const admin = await connectedAdmin(t, topic);
  specFile(dir, topic, 2);
  const run = await runThalweg(['topics', 'plan', '--topics-dir', dir]);
  assert.equal(run.code, 0, transcript(run));
  assert.match(run.stdout, /Plan: 3 to create, 0 to update, 0 to replace, 0 to delete, 0 refused\./, transcript(run));
  assert.match(run.stdout, /ACLs: 8 to grant, 0 to revoke\./, transcript(run));
  assert.equal((await admin.listTopics()).includes(topic), false);
});

test('an invalid spec fails naming the file and field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'thalweg-topics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ledger.bad.v1.yaml'), 'name: ledger.bad.v1\ndescription: x\npartitions: 0\nreplicationFactor: 1\neventTypes: [a.B]\n');
  const run = await runThalweg(['topics', 'plan', '--topics-dir', dir]);
  assert.equal(run.code, 1, transcript(run));
  assert.match(run.stderr, /THALWEG_TOPIC_SPEC_INVALID: .*ledger\.bad\.v1\.yaml: partitions: expected an integer of at least 1/, transcript(run));
});
