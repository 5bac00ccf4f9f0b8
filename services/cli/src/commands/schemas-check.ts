import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import {
  checkEvolution,
  checkOnline,
  formatProblem,
  lintSchema,
  loadSchemaCatalog,
  parseSchemaFile,
  subjectFor,
  type CompatibilityLevel,
  type SchemaEntry,
  type SchemaVersion,
} from '@thalweg/platform/schemas';
import { loadTopicSpecs, type TopicSpecs } from '@thalweg/platform/topics';
import type { CliContext } from '../cli-context.ts';
import { committedVersions, gitTopLevel } from '../git-history.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

/** The level an event type's subject has: its topic's, FULL_TRANSITIVE when no topic allows it yet. */
function levelOf(topics: TopicSpecs | undefined, entry: SchemaEntry): CompatibilityLevel {
  if (!topics) return 'FULL_TRANSITIVE';
  const spec = topics.all().find((candidate) => candidate.eventTypes.includes(entry.fullName));
  return spec?.compatibility ?? 'FULL_TRANSITIVE';
}

function previousVersions(context: CliContext, entry: SchemaEntry, warnings: string[]): SchemaVersion[] {
  const versions: SchemaVersion[] = [];
  for (const version of committedVersions({ repo: context.repo, file: entry.file })) {
    try {
      versions.push({ label: version.commit.slice(0, 12), schema: parseSchemaFile(version.text, `${version.path}@${version.commit.slice(0, 12)}`).schema });
    } catch (error) {
      warnings.push(`${version.path} at ${version.commit.slice(0, 12)} is not a valid schema, skipped: ${(error as Error).message}`);
    }
  }
  return versions;
}

/**
 * `thalweg schemas check [--online]`: house rules, then every working-tree schema against every
 * committed version of its file (offline, the topic's level, FULL_TRANSITIVE by default), then
 * optionally each subject against the registry. Exit 1 when anything fails.
 */
export async function schemasCheck(context: CliContext): Promise<number> {
  const { io } = context;
  try {
    gitTopLevel(context.repo);
  } catch {
    throw new UsageError(`${context.repo} is not in a git repository: the offline check compares with committed versions (pass --repo)`, commandUsage['schemas check']!);
  }
  if (relative(context.repo, context.schemasDir).startsWith('..')) {
    throw new UsageError(`${context.schemasDir} is outside the repository ${context.repo}: its history cannot be read`, commandUsage['schemas check']!);
  }
  const catalog = loadSchemaCatalog({ root: context.schemasDir });
  const topics = existsSync(context.topicsDir) ? loadTopicSpecs({ root: context.topicsDir }) : undefined;
  let failed = 0;
  const warnings: string[] = [];

  for (const spec of topics?.all() ?? []) {
    for (const eventType of spec.eventTypes.filter((name) => !catalog.has(name))) {
      io.out(`FAIL ${spec.name}: allows ${eventType}, but no schema declares it`);
      failed++;
    }
  }

  for (const entry of catalog.all()) {
    const file = relative(context.repo, entry.file);
    const level = levelOf(topics, entry);
    const lint = lintSchema(entry);
    const previous = previousVersions(context, entry, warnings);
    const problems = checkEvolution({ candidate: entry.schema, previous, level });
    if (lint.length === 0 && problems.length === 0) {
      const against = previous.length === 0 ? 'new, no committed version yet' : `compatible with ${previous.length} committed version${previous.length === 1 ? '' : 's'}`;
      io.out(`ok   ${entry.fullName} (${file}): ${against} (${level})`);
      continue;
    }
    failed++;
    io.out(`FAIL ${entry.fullName} (${file}) at ${level}:`);
    for (const message of lint) io.out(`       ${message}`);
    for (const problem of problems) {
      io.out(`       ${formatProblem(problem)}  [${problem.direction}; against ${problem.versions.join(', ')}]`);
    }
  }

  if (context.options.online) {
    const registryUrl = context.registryUrl();
    for (const spec of topics?.all() ?? []) {
      for (const eventType of spec.eventTypes.filter((name) => catalog.has(name))) {
        const subject = subjectFor(spec.name, eventType);
        const result = await checkOnline({ registryUrl, subject, schema: catalog.get(eventType).schema });
        if (result.compatible) {
          io.out(`ok   ${subject}: ${result.subjectExists ? 'the registry accepts the schema' : 'not registered yet'}`);
        } else {
          failed++;
          io.out(`FAIL ${subject}: the registry refuses the schema`);
          for (const message of result.messages) io.out(`       ${message}`);
        }
      }
    }
  }

  for (const warning of warnings) io.err(`warning: ${warning}`);
  io.out(failed === 0 ? 'All schemas are compatible.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return failed === 0 ? 0 : 1;
}
