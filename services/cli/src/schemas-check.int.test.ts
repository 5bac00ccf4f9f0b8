import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@thalweg/platform/schemas';
import { runThalweg, transcript } from './testing/run-thalweg.ts';
import { tempGitRepo } from './testing/temp-git-repo.ts';

const schemaFile = 'schemas/ledger/funds-credited.avsc';
const original = JSON.parse(readFileSync(join(repoRoot, schemaFile), 'utf8')) as { fields: Array<Record<string, unknown>> };

const withFields = (fields: Array<Record<string, unknown>>) => JSON.stringify({ ...original, fields }, null, 2);
const retype = (name: string, type: unknown) => original.fields.map((field) => (field.name === name ? { ...field, type } : field));

/** A repository with the committed FundsCredited schema and no topics folder (FULL_TRANSITIVE applies). */
function repoWithSchema(t: Parameters<typeof tempGitRepo>[0]) {
  const repo = tempGitRepo(t);
  repo.write(schemaFile, withFields(original.fields));
  repo.commit('FundsCredited v1');
  return repo;
}

test('a breaking working-tree change is refused, naming the field', async (t) => {
  const repo = repoWithSchema(t);
  repo.write(schemaFile, withFields(retype('amountMinor', 'string')));
  const run = await runThalweg(['schemas', 'check', '--repo', repo.dir]);
  assert.equal(run.code, 1, transcript(run));
  assert.match(run.stdout, /FAIL thalweg\.ledger\.FundsCredited/, transcript(run));
  assert.match(run.stdout, /FundsCredited\.amountMinor: type changed from long to string/, transcript(run));
});

test('a field added without a default is refused; with a default it passes', async (t) => {
  const repo = repoWithSchema(t);
  const reference = { name: 'channel', type: 'string', doc: 'Where the credit came from.' };
  repo.write(schemaFile, withFields([...original.fields, reference]));
  const refused = await runThalweg(['schemas', 'check', '--repo', repo.dir]);
  assert.equal(refused.code, 1, transcript(refused));
  assert.match(refused.stdout, /FundsCredited\.channel: field "channel" added without a default/, transcript(refused));

  repo.write(schemaFile, withFields([...original.fields, { ...reference, default: 'unknown' }]));
  const accepted = await runThalweg(['schemas', 'check', '--repo', repo.dir]);
  assert.equal(accepted.code, 0, transcript(accepted));
  assert.match(accepted.stdout, /ok {3}thalweg\.ledger\.FundsCredited .*compatible with 1 committed version \(FULL_TRANSITIVE\)/, transcript(accepted));
});

test('the candidate is checked against every committed version, not just the last', async (t) => {
  const repo = tempGitRepo(t);
  const note = { name: 'note', type: 'string', doc: 'Free text.' };
  repo.write(schemaFile, withFields([...original.fields, note]));
  const first = repo.commit('v1: note is required');
  repo.write(schemaFile, withFields([...original.fields, { ...note, default: '' }]));
  repo.commit('v2: note gets a default');
  // Dropping `note` suits v2 (its readers default it) but not v1's readers, which require it.
  repo.write(schemaFile, withFields(original.fields));
  const run = await runThalweg(['schemas', 'check', '--repo', repo.dir]);
  assert.equal(run.code, 1, transcript(run));
  assert.match(run.stdout, /FundsCredited\.note: field "note" removed, but the old schema has no default for it/, transcript(run));
  assert.match(run.stdout, new RegExp(`\\[forward; against ${first.slice(0, 12)}\\]`), transcript(run));
});

test('a schema without a doc on a field fails the house rules', async (t) => {
  const repo = repoWithSchema(t);
  repo.write(schemaFile, withFields([...original.fields, { name: 'channel', type: 'string', default: 'web' }]));
  const run = await runThalweg(['schemas', 'check', '--repo', repo.dir]);
  assert.equal(run.code, 1, transcript(run));
  assert.match(run.stdout, /FundsCredited\.channel: the field has no "doc"/, transcript(run));
});

test('outside a git repository the check is a usage error', async () => {
  const run = await runThalweg(['schemas', 'check', '--repo', '/']);
  assert.equal(run.code, 2, transcript(run));
  assert.match(run.stderr, /not in a git repository/, transcript(run));
});

test('this repository passes its own check', async () => {
  const run = await runThalweg(['schemas', 'check']);
  assert.equal(run.code, 0, transcript(run));
  assert.match(run.stdout, /All schemas are compatible\./);
});
