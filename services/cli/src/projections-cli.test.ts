import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTopicSpecs, projectionCatalogue } from '@thalweg/platform/topics';
import { runCli } from './run-cli.ts';
import { capturedIo } from './testing/captured-io.ts';

test('projections list --json names every catalogued projection with the topics whose specs list its group', async () => {
  const io = capturedIo();
  assert.equal(await runCli(['projections', 'list', '--json'], io), 0);
  const { projections } = JSON.parse(io.stdout.join('\n')) as { projections: Array<{ name: string; group: string; store: string; topics: string[] }> };
  const specs = loadTopicSpecs();
  assert.deepEqual(
    projections.map(({ name, group, store, topics }) => ({ name, group, store, topics })),
    projectionCatalogue.map(({ name, service, store }) => ({ name, group: service, store, topics: specs.consumedBy(service) })),
  );
  for (const projection of projections) assert.ok(projection.topics.length > 0, `${projection.name} reads at least one declared topic`);
});

const usageErrors: Array<[string[], RegExp]> = [
  [['projections', 'status', 'nosuch'], /unknown projection "nosuch" \(known: ledger, identity, search\)/],
  [['projections', 'status', '--group', 'g'], /--group needs a projection name/],
  [['projections', 'status', 'ledger', 'identity'], /unexpected argument "identity"/],
  [['projections', 'list', '--group', 'g'], /--group does not apply to "thalweg projections list"/],
  [['status', 'extra'], /unexpected argument "extra"/],
  [['status', '--watch', '0'], /--watch expects seconds between 1 and 3600, got "0"/],
  [['topics', 'plan', '--json'], /--json does not apply/],
];

for (const [argv, pattern] of usageErrors) {
  test(`"thalweg ${argv.join(' ')}" is a usage error (exit 2)`, async () => {
    const io = capturedIo();
    assert.equal(await runCli(argv, io), 2);
    assert.match(io.stderr.join('\n'), pattern);
    assert.deepEqual(io.stdout, []);
  });
}

test('status and projections have their own help', async () => {
  for (const [argv, pattern] of [
    [['status', '--help'], /--watch \[seconds\]/],
    [['projections', 'status', '--help'], /LAG +END - STORED/],
    [['projections', '--help'], /thalweg projections list/],
  ] as const) {
    const io = capturedIo();
    assert.equal(await runCli([...argv], io), 0);
    assert.match(io.stdout.join('\n'), pattern);
  }
});
