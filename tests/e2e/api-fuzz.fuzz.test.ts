import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@thalweg/platform/schemas';
import { onCleanup, userToken } from '@thalweg/platform/testing';
import { describeRun, runStackTool } from '../int/stack-tool.ts';
import { seedFuzzData, startFuzzedApis } from './api-fuzz-services.ts';

// schemathesis (pinned in compose/native/python/requirements.txt) against each API's own
// /openapi.json: every check and every phase (the stateful one follows the document's links and
// those schemathesis infers from Location headers), as alice, who holds every API role of tenant
// acme, so the routes answer rather than refuse. The deliberate deviations are dropped by
// api-fuzz-hooks.py, each for the reason docs/api-fuzzing.md gives; any other failure fails.

/** Cases per operation and phase: enough to find where the document and the routes disagree, in a couple of minutes. */
const MAX_EXAMPLES = 50;
/** One seed: a run finds again what the last one found. */
const SEED = '20261202';
const USER = 'alice';

/** The deviations' hooks, and real ids for half of the path parameters: a fuzzer that only meets 404s never sees a route's answers. */
function fuzzConfig({ walletId, userId }: { walletId: string; userId: string }): string {
  return [
    `hooks = ${JSON.stringify(join(repoRoot, 'tests/e2e/api-fuzz-hooks.py'))}`,
    '[dictionaries.wallets]',
    `values = ["${walletId}"]`,
    '[dictionaries.users]',
    `values = ["${userId}"]`,
    '[parameters]',
    '"path.walletId" = { dictionary = "wallets", probability = 0.5 }',
    '"path.userId" = { dictionary = "users", probability = 0.5 }',
    '',
  ].join('\n');
}

test('schemathesis runs every check against the command, query and search APIs and finds no failure', async (t) => {
  const apis = await startFuzzedApis(t);
  const reports = await mkdtemp(join(tmpdir(), 'thalweg-fuzz-'));
  onCleanup(t, () => rm(reports, { recursive: true, force: true }));
  const config = join(reports, 'schemathesis.toml');
  await writeFile(config, fuzzConfig(await seedFuzzData(apis, USER)));
  for (const [api, url] of Object.entries(apis.urls)) {
    await t.test(`${api}-api`, async () => {
      // Tokens live 300 s and are reused while they have 30 s left; each run takes well under that.
      const token = await userToken(USER);
      const run = await runStackTool(
        [
          'schemathesis',
          '--config-file',
          config,
          'run',
          `${url}/openapi.json`,
          '--url',
          url,
          '--checks',
          'all',
          '--phases',
          'examples,coverage,fuzzing,stateful',
          '--header',
          `Authorization: Bearer ${token}`,
          '--max-examples',
          String(MAX_EXAMPLES),
          '--seed',
          SEED,
          '--continue-on-failure',
          '--generation-database',
          'none',
          '--workers',
          '1',
          '--request-timeout',
          '30',
          '--no-color',
          '--report',
          'junit',
          '--report-dir',
          join(reports, api),
        ],
        // In the run's own directory: schemathesis and Hypothesis keep caches where they run.
        { cwd: reports, timeout: 240_000 },
      );
      assert.equal(run.code, 0, `schemathesis found failures in the ${api} API:\n${describeRun(run)}`);
    });
  }
});
