import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkOnline,
  deleteSubject,
  getSubjectCompatibility,
  listSubjects,
  listVersions,
  repoRoot,
  subjectFor,
} from '@thalweg/platform/schemas';
import { uniqueName, waitFor } from '@thalweg/platform/testing';
import { runThalweg, transcript } from './testing/run-thalweg.ts';

const registryUrl = process.env.THALWEG_REGISTRY_URL ?? 'http://127.0.0.1:8085/apis/ccompat/v7';
const walletOpened = 'thalweg.ledger.WalletOpened';
const fundsCredited = 'thalweg.ledger.FundsCredited';

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A topics folder declaring one unique topic; its subjects are deleted when the test ends. */
async function testTopic(t: TestContext, compatibility: string) {
  await waitFor(() => listSubjects({ registryUrl }).then(() => true), { timeout: 60_000, description: 'registry reachable' });
  const topic = `${uniqueName('it', '')}.wallets.v1`;
  const dir = tempDir(t, 'thalweg-topics-');
  writeFileSync(
    join(dir, `${topic}.yaml`),
    [
      `name: ${topic}`,
      'description: Registry integration test topic.',
      'partitions: 1',
      'replicationFactor: 1',
      `eventTypes: [${walletOpened}, ${fundsCredited}]`,
      `compatibility: ${compatibility}`,
      ...(compatibility === 'FULL_TRANSITIVE' ? [] : ['compatibilityReason: the test checks that the declared level reaches the registry']),
      '',
    ].join('\n'),
  );
  const subjects = [subjectFor(topic, walletOpened), subjectFor(topic, fundsCredited)];
  t.after(async () => {
    for (const subject of subjects) await deleteSubject(registryUrl, subject);
  });
  return { topic, dir, subjects };
}

/** A copy of the repository's schemas with FundsCredited's fields changed by `edit`. */
function editedSchemas(t: TestContext, edit: (fields: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): string {
  const dir = tempDir(t, 'thalweg-schemas-');
  cpSync(join(repoRoot, 'schemas'), dir, { recursive: true });
  const file = join(dir, 'ledger', 'funds-credited.avsc');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { fields: Array<Record<string, unknown>> };
  writeFileSync(file, JSON.stringify({ ...schema, fields: edit(schema.fields) }, null, 2));
  return dir;
}

test('schemas register creates the TopicRecordNameStrategy subjects with the topic compatibility', async (t) => {
  const { dir, subjects } = await testTopic(t, 'BACKWARD_TRANSITIVE');
  const run = await runThalweg(['schemas', 'register', '--topics-dir', dir]);
  assert.equal(run.code, 0, transcript(run));
  const present = await listSubjects({ registryUrl });
  for (const subject of subjects) {
    assert.ok(present.includes(subject), `${subject} is registered`);
    assert.match(run.stdout, new RegExp(`registered ${subject.replaceAll('.', '\\.')}: id \\d+, version 1, compatibility BACKWARD_TRANSITIVE`), transcript(run));
    assert.equal(await getSubjectCompatibility({ registryUrl, subject }), 'BACKWARD_TRANSITIVE');
  }
  const again = await runThalweg(['schemas', 'register', '--topics-dir', dir]);
  assert.equal(again.code, 0, transcript(again));
  assert.deepEqual(await listVersions({ registryUrl, subject: subjects[1]! }), [1], 'registering the same schema twice adds no version');
});

test('an incompatible schema is refused by the registry and nothing is registered', async (t) => {
  const { dir, subjects } = await testTopic(t, 'FULL_TRANSITIVE');
  const first = await runThalweg(['schemas', 'register', '--topics-dir', dir]);
  assert.equal(first.code, 0, transcript(first));
  const credited = subjects[1]!;

  const breaking = editedSchemas(t, (fields) => fields.map((field) => (field.name === 'amountMinor' ? { ...field, type: 'string' } : field)));
  const refused = await runThalweg(['schemas', 'register', '--topics-dir', dir, '--schemas-dir', breaking]);
  assert.equal(refused.code, 1, transcript(refused));
  assert.match(refused.stderr, /THALWEG_SCHEMA_INCOMPATIBLE/, transcript(refused));
  assert.match(refused.stderr, new RegExp(`${credited.replaceAll('.', '\\.')}: .*amountMinor`), transcript(refused));
  assert.deepEqual(await listVersions({ registryUrl, subject: credited }), [1], 'the refused schema was not registered');

  const schema = JSON.parse(readFileSync(join(breaking, 'ledger', 'funds-credited.avsc'), 'utf8'));
  const online = await checkOnline({ registryUrl, subject: credited, schema });
  assert.equal(online.compatible, false);
  assert.equal(online.subjectExists, true);
  assert.ok(online.messages.some((message) => message.includes('amountMinor')), online.messages.join('\n'));
});

test('a compatible evolution registers as the next version', async (t) => {
  const { dir, subjects } = await testTopic(t, 'FULL_TRANSITIVE');
  const first = await runThalweg(['schemas', 'register', '--topics-dir', dir]);
  assert.equal(first.code, 0, transcript(first));
  const evolved = editedSchemas(t, (fields) => [...fields, { name: 'channel', type: ['null', 'string'], default: null, doc: 'Where the credit came from.' }]);
  const run = await runThalweg(['schemas', 'register', '--topics-dir', dir, '--schemas-dir', evolved]);
  assert.equal(run.code, 0, transcript(run));
  assert.deepEqual(await listVersions({ registryUrl, subject: subjects[1]! }), [1, 2]);
  assert.deepEqual(await listVersions({ registryUrl, subject: subjects[0]! }), [1], 'an unchanged schema keeps its version');
});

test('a subject that does not exist yet is compatible online', async () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'ledger', 'wallet-opened.avsc'), 'utf8'));
  const result = await checkOnline({ registryUrl, subject: subjectFor(`${uniqueName('it', '')}.wallets.v1`, walletOpened), schema });
  assert.deepEqual(result, { subject: result.subject, compatible: true, subjectExists: false, messages: [] });
});
