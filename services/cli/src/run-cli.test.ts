import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.ts';
import { capturedIo } from './testing/captured-io.ts';

test('--help prints the usage and exits 0', async () => {
  const io = capturedIo();
  assert.equal(await runCli(['--help'], io), 0);
  assert.match(io.stdout.join('\n'), /thalweg topics apply \[--allow-destructive <topic>\]/);
  assert.match(io.stdout.join('\n'), /Exit codes: 0 success, 1 failure .*, 2 usage error/);
});

test('each command has its own help, and topics apply explains how to ask for a destructive change', async () => {
  const io = capturedIo();
  assert.equal(await runCli(['topics', 'apply', '--help'], io), 0);
  const text = io.stdout.join('\n');
  assert.match(text, /unless\ntheir topic is named with --allow-destructive <topic>/);
  assert.match(text, /fewer partitions +the topic is deleted and re-created/);
});

const usageErrors: Array<[string[], RegExp]> = [
  [[], /a command is required/],
  [['frobnicate'], /unknown command "frobnicate"/],
  [['topics'], /topics needs a command/],
  [['topics', 'destroy'], /unknown command "topics destroy"/],
  [['schemas', 'check', 'extra'], /unexpected argument "extra"/],
  [['schemas', 'check', '--allow-destructive', 'x'], /--allow-destructive does not apply to "thalweg schemas check"/],
  [['topics', 'plan', '--online'], /--online does not apply/],
  [['topics', 'apply', '--no-such-flag'], /Unknown option '--no-such-flag'/],
  [['topics', 'apply', '--allow-destructive'], /argument missing/],
];

for (const [argv, pattern] of usageErrors) {
  test(`"thalweg ${argv.join(' ')}" is a usage error (exit 2)`, async () => {
    const io = capturedIo();
    assert.equal(await runCli(argv, io), 2);
    assert.match(io.stderr.join('\n'), pattern);
    assert.deepEqual(io.stdout, []);
  });
}

test('dlq has its commands listed in its help, and replay explains where a replay goes', async () => {
  const area = capturedIo();
  assert.equal(await runCli(['dlq', '--help'], area), 0);
  for (const command of ['list', 'show', 'replay', 'discard']) assert.match(area.stdout.join('\n'), new RegExp(`^thalweg dlq ${command}`, 'm'));
  const replay = capturedIo();
  assert.equal(await runCli(['dlq', 'replay', '--help'], replay), 0);
  assert.match(replay.stdout.join('\n'), /<topic>\.<group>\.retry/);
});

// Refused before anything is read: a wrong command line reads and changes nothing.
const dlqUsageErrors: Array<[string[], RegExp]> = [
  [['dlq', 'show'], /name the dead letter topic/],
  [['dlq', 'show', 'ledger.wallets.v1'], /"ledger\.wallets\.v1" is not a dead letter topic name/],
  [['dlq', 'show', 'a.b.v1.g.dlq', 'extra'], /unexpected argument "extra"/],
  [['dlq', 'show', 'a.b.v1.g.dlq', '--until', 'soon'], /--until "soon": expected an ISO 8601 time/],
  [['dlq', 'replay', 'a.b.v1.g.dlq'], /choose the dead letters to replay/],
  [['dlq', 'replay', 'a.b.v1.g.dlq', '--limit', '0'], /--limit "0": expected an integer of at least 1/],
  [['dlq', 'discard', 'a.b.v1.g.dlq', '--all'], /--reason <text> is required/],
  [['dlq', 'discard', 'a.b.v1.g.dlq', '--all', '--reason', ' '], /--reason <text> is required/],
  [['dlq', 'list', '--code', 'X'], /--code does not apply to "thalweg dlq list"/],
];

for (const [argv, pattern] of dlqUsageErrors) {
  test(`"thalweg ${argv.join(' ')}" is a usage error (exit 2)`, async () => {
    const io = capturedIo();
    assert.equal(await runCli(argv, io), 2);
    assert.match(io.stderr.join('\n'), pattern);
    assert.deepEqual(io.stdout, []);
  });
}
