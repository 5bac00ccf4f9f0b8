import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@thalweg/platform/schemas';
import { settingReader } from './setting-reader.ts';
import { componentProbes } from './stack-components.ts';

test('thalweg status probes every component compose/native/stack.sh runs (Kafka through its admin connection)', () => {
  const script = readFileSync(join(repoRoot, 'compose/native/stack.sh'), 'utf8');
  const declared = /^COMPONENTS=\(([^)]*)\)/m.exec(script)?.[1]?.split(/\s+/).filter(Boolean);
  assert.ok(declared && declared.length > 0, 'COMPONENTS=(...) found in stack.sh');
  const probed = [...componentProbes(settingReader({})).map((probe) => probe.nativeName ?? probe.component), 'kafka'];
  assert.deepEqual([...probed].sort(), [...declared].sort());
});
