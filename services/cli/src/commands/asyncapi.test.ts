import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext } from '../cli-context.ts';
import { runCli } from '../run-cli.ts';
import { capturedIo as capture } from '../testing/captured-io.ts';
import { asyncApiPath, asyncApiText } from './asyncapi.ts';

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'thalweg-asyncapi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'asyncapi.json');
}

test('asyncapi --check fails on a stale file, naming it and how to regenerate; asyncapi writes it; then --check passes', async (t) => {
  const file = tempFile(t);
  const expected = asyncApiText(createContext(capture(), {}));
  // Stale: the generated document with one topic's partition count changed.
  const stale = JSON.parse(expected);
  stale.channels['ledger.wallets.v1'].bindings.kafka.partitions += 1;
  writeFileSync(file, `${JSON.stringify(stale, null, 2)}\n`);

  const check = capture();
  assert.equal(await runCli(['asyncapi', '--check', '--out', file], check), 1);
  assert.match(check.stdout.join('\n'), new RegExp(`out of date: ${file.replaceAll('.', '\\.')}`));
  assert.match(check.stdout.join('\n'), /Run `thalweg asyncapi --out .*asyncapi\.json` and commit the result\./);
  assert.equal(readFileSync(file, 'utf8'), `${JSON.stringify(stale, null, 2)}\n`, '--check writes nothing');

  const write = capture();
  assert.equal(await runCli(['asyncapi', '--out', file], write), 0);
  assert.equal(readFileSync(file, 'utf8'), expected);
  assert.deepEqual(write.stderr, []);

  const again = capture();
  assert.equal(await runCli(['asyncapi', '--check', '--out', file], again), 0);
  assert.match(again.stdout.join('\n'), /is up to date/);
});

test('asyncapi --check fails on a missing file', async (t) => {
  const io = capture();
  assert.equal(await runCli(['asyncapi', '--check', '--out', tempFile(t)], io), 1);
  assert.match(io.stdout.join('\n'), /^missing: .*asyncapi\.json$/m);
});

test(`the committed ${asyncApiPath} is what the specs give (run \`thalweg asyncapi\` when this fails)`, () => {
  const context = createContext(capture(), {});
  assert.equal(readFileSync(join(context.repo, asyncApiPath), 'utf8'), asyncApiText(context));
});

test('asyncapi takes no operand and no option of another command', async () => {
  for (const [argv, pattern] of [
    [['asyncapi', 'extra'], /unexpected argument "extra"/],
    [['asyncapi', '--online'], /--online does not apply to "thalweg asyncapi"/],
  ] as const) {
    const io = capture();
    assert.equal(await runCli([...argv], io), 2);
    assert.match(io.stderr.join('\n'), pattern);
  }
});
