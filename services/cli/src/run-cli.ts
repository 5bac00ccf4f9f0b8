import { parseArgs } from 'node:util';
import { isThalwegError } from '@thalweg/platform/errors';
import { createContext, processIo, type CliContext, type CliIo, type CliOptions } from './cli-context.ts';
import { asyncapi } from './commands/asyncapi.ts';
import { dlqDiscard } from './commands/dlq-discard.ts';
import { dlqList } from './commands/dlq-list.ts';
import { dlqReplay } from './commands/dlq-replay.ts';
import { dlqShow } from './commands/dlq-show.ts';
import { schemasCheck } from './commands/schemas-check.ts';
import { schemasGenerate } from './commands/schemas-generate.ts';
import { schemasRegister } from './commands/schemas-register.ts';
import { projectionsList } from './commands/projections-list.ts';
import { projectionsDrop } from './commands/projections-drop.ts';
import { projectionsRebuild } from './commands/projections-rebuild.ts';
import { projectionsStatus } from './commands/projections-status.ts';
import { status } from './commands/status.ts';
import { topicsApply } from './commands/topics-apply.ts';
import { topicsPlan } from './commands/topics-plan.ts';
import { UsageError } from './usage-error.ts';
import { areaUsage, commandUsage, mainUsage } from './usage.ts';

const locationOptions = ['repo', 'schemas-dir', 'topics-dir'] as const;
const deadLetterFilters = ['code', 'since', 'until', 'partition', 'offset', 'limit'] as const;

/** Each command, the options it accepts beyond --help, and how many operands (default none). */
const commands: Record<string, { run: (context: CliContext) => Promise<number>; options: readonly string[]; operands?: number }> = {
  'schemas check': { run: schemasCheck, options: [...locationOptions, 'online'] },
  'schemas register': { run: schemasRegister, options: [...locationOptions, 'subject'] },
  'schemas generate': { run: schemasGenerate, options: [...locationOptions, 'check', 'out'] },
  asyncapi: { run: asyncapi, options: [...locationOptions, 'check', 'out'] },
  'topics plan': { run: topicsPlan, options: [...locationOptions, 'allow-destructive'] },
  'topics apply': { run: topicsApply, options: [...locationOptions, 'allow-destructive'] },
  'projections list': { run: projectionsList, options: [...locationOptions, 'json'] },
  'projections status': { run: projectionsStatus, options: [...locationOptions, 'json', 'group'], operands: 1 },
  'projections rebuild': { run: projectionsRebuild, options: [...locationOptions, 'group'], operands: 1 },
  'projections drop': { run: projectionsDrop, options: [...locationOptions, 'group'], operands: 2 },
  status: { run: status, options: [...locationOptions, 'json', 'watch'] },
  'dlq list': { run: dlqList, options: ['json', 'group'] },
  'dlq show': { run: dlqShow, options: [...deadLetterFilters, 'json'], operands: 1 },
  'dlq replay': { run: dlqReplay, options: [...deadLetterFilters, 'all', 'reason', 'json'], operands: 1 },
  'dlq discard': { run: dlqDiscard, options: [...deadLetterFilters, 'all', 'reason', 'json'], operands: 1 },
};

/** Seconds between refreshes when `--watch` is given without a number. */
const defaultWatchSeconds = '2';

/** `--watch [seconds]`: parseArgs knows no optional values, so a bare --watch gets the default. */
function withWatchValue(argv: string[]): string[] {
  return argv.flatMap((arg, index) => (arg === '--watch' && !/^\d+$/.test(argv[index + 1] ?? '') ? [`--watch=${defaultWatchSeconds}`] : [arg]));
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: withWatchValue(argv),
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        repo: { type: 'string' },
        'schemas-dir': { type: 'string' },
        'topics-dir': { type: 'string' },
        online: { type: 'boolean' },
        check: { type: 'boolean' },
        out: { type: 'string' },
        subject: { type: 'string', multiple: true },
        'allow-destructive': { type: 'string', multiple: true },
        json: { type: 'boolean' },
        watch: { type: 'string' },
        group: { type: 'string' },
        code: { type: 'string', multiple: true },
        since: { type: 'string' },
        until: { type: 'string' },
        partition: { type: 'string' },
        offset: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean' },
        reason: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, mainUsage);
  }
}

/** Runs one command line; returns the exit code (0 success, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    // A command is one word (`status`) or an area and a command (`topics plan`); operands follow.
    const single = positionals[0] !== undefined && Object.hasOwn(commands, positionals[0]);
    const [area, command, ...rest] = positionals;
    const key = single ? area! : `${area} ${command}`;
    const operands = single ? positionals.slice(1) : rest;
    if (values.help) {
      io.out(commandUsage[key] ?? (area && !command ? areaUsage[area] : undefined) ?? mainUsage);
      return 0;
    }
    if (!area) throw new UsageError('a command is required', mainUsage);
    if (!single && !areaUsage[area]) throw new UsageError(`unknown command "${area}"`, mainUsage);
    const entry = commands[key];
    if (!entry) throw new UsageError(command ? `unknown command "${key}"` : `${area} needs a command`, areaUsage[area]!);
    if (operands.length > (entry.operands ?? 0)) throw new UsageError(`unexpected argument "${operands[entry.operands ?? 0]}"`, commandUsage[key]!);
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined && name !== 'help' && !entry.options.includes(name)) {
        throw new UsageError(`--${name} does not apply to "thalweg ${key}"`, commandUsage[key]!);
      }
    }
    return await entry.run(createContext(io, values as CliOptions, operands));
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`thalweg: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    if (isThalwegError(error)) {
      io.err(`error ${error.code}: ${error.message}`);
      for (const field of error.fields.slice(1)) io.err(`  ${field.field}: ${field.message}`);
      return 1;
    }
    io.err(`error: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}
