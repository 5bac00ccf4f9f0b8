import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { asyncApiDocument } from '../asyncapi/asyncapi-document.ts';
import { validateAsyncApi } from '../asyncapi/validate-asyncapi.ts';
import type { CliContext } from '../cli-context.ts';

/** Where the document is committed: with the other contracts' docs. */
export const asyncApiPath = join('docs', 'asyncapi.json');

/** The document as committed: two-space JSON and a final newline, so a regeneration diffs line by line. */
export function asyncApiText(context: Pick<CliContext, 'repo' | 'schemasDir' | 'topicsDir'>): string {
  const { version } = JSON.parse(readFileSync(join(context.repo, 'package.json'), 'utf8')) as { version: string };
  const document = asyncApiDocument({ specs: loadTopicSpecs({ root: context.topicsDir }), catalog: loadSchemaCatalog({ root: context.schemasDir }), version });
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * `thalweg asyncapi [--check] [--out <file>]`: writes the AsyncAPI document generated from the
 * topic specs and schemas, once the AsyncAPI parser accepts it. With --check nothing is written;
 * exit 1 when the file differs from what the specs give.
 */
export async function asyncapi(context: CliContext): Promise<number> {
  const { io, options } = context;
  const file = options.out ? resolve(options.out) : join(context.repo, asyncApiPath);
  const where = relative(context.repo, file).startsWith('..') ? file : relative(context.repo, file);
  const text = asyncApiText(context);
  const problems = await validateAsyncApi(text);
  const errors = problems.filter((problem) => problem.severity === 'error');
  for (const problem of problems.filter((found) => found.severity === 'error' || found.severity === 'warning')) {
    io.err(`${problem.severity} at ${problem.path}: ${problem.message}`);
  }
  if (errors.length > 0) {
    io.err(`The generated AsyncAPI document is not valid (${errors.length} error${errors.length === 1 ? '' : 's'}); ${where} is left as it is.`);
    return 1;
  }
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (options.check) {
    if (current === text) {
      io.out(`${where} is up to date.`);
      return 0;
    }
    io.out(`${current === undefined ? 'missing' : 'out of date'}: ${where}`);
    io.out(`Run \`thalweg asyncapi${options.out ? ` --out ${where}` : ''}\` and commit the result.`);
    return 1;
  }
  if (current === text) {
    io.out(`${where} is up to date.`);
    return 0;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  io.out(`wrote ${where}`);
  return 0;
}
