import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultGeneratedDir } from './repo-paths.ts';
import { loadSchemaCatalog } from './schema-catalog.ts';
import { generateTypeFiles } from './type-generator.ts';

test('the committed generated types match the schemas (run `thalweg schemas generate` when this fails)', () => {
  const expected = generateTypeFiles({ catalog: loadSchemaCatalog() });
  const present = readdirSync(defaultGeneratedDir).filter((name) => name.endsWith('.ts')).sort();
  assert.deepEqual(present, expected.map((file) => file.name).sort(), 'the generated folder holds exactly the generated files');
  for (const file of expected) {
    assert.equal(readFileSync(join(defaultGeneratedDir, file.name), 'utf8'), file.content, `${file.name} is stale`);
  }
});
