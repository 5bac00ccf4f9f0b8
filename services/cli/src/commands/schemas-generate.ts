import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generateTypeFiles, loadSchemaCatalog } from '@thalweg/platform/schemas';
import type { CliContext } from '../cli-context.ts';

/**
 * `thalweg schemas generate [--check]`: the folder is wholly generated, so files that no
 * domain produces any more are removed. With --check nothing is written; exit 1 when stale.
 */
export async function schemasGenerate(context: CliContext): Promise<number> {
  const { io, options } = context;
  const out = options.out ? resolve(options.out) : join(context.repo, 'services', 'platform', 'src', 'schemas', 'generated');
  const files = generateTypeFiles({ catalog: loadSchemaCatalog({ root: context.schemasDir }) });
  mkdirSync(out, { recursive: true });
  const existing = readdirSync(out).filter((name) => name.endsWith('.ts'));
  const stale = existing.filter((name) => !files.some((file) => file.name === name));
  const changed = files.filter((file) => !existing.includes(file.name) || readFileSync(join(out, file.name), 'utf8') !== file.content);
  const where = relative(context.repo, out) || out;
  if (options.check) {
    for (const file of changed) io.out(`out of date: ${where}/${file.name}`);
    for (const name of stale) io.out(`not generated from any schema: ${where}/${name}`);
    if (changed.length + stale.length === 0) io.out(`${where} is up to date.`);
    else io.out('Run `thalweg schemas generate` and commit the result.');
    return changed.length + stale.length === 0 ? 0 : 1;
  }
  for (const file of changed) {
    writeFileSync(join(out, file.name), file.content);
    io.out(`wrote ${where}/${file.name}`);
  }
  for (const name of stale) {
    rmSync(join(out, name));
    io.out(`removed ${where}/${name}`);
  }
  if (changed.length + stale.length === 0) io.out(`${where} is up to date.`);
  return 0;
}
