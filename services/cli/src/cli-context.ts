import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { kafkaSettings } from '@thalweg/platform/config';
import { kafkaSasl, type KafkaSasl } from '@thalweg/platform/kafka';
import { repoRoot } from '@thalweg/platform/schemas';

/** Where a command writes; tests pass their own to read the output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

/** The parsed command line of one command. */
export interface CliOptions {
  repo?: string;
  'schemas-dir'?: string;
  'topics-dir'?: string;
  online?: boolean;
  check?: boolean;
  out?: string;
  subject?: string[];
  'allow-destructive'?: string[];
  json?: boolean;
  /** Seconds between refreshes of a watched status. */
  watch?: string;
  group?: string;
  /** `thalweg dlq` filters and actions. */
  code?: string[];
  since?: string;
  until?: string;
  partition?: string;
  offset?: string;
  limit?: string;
  reason?: string;
  all?: boolean;
}

export interface CliContext {
  io: CliIo;
  options: CliOptions;
  /** The command's operands: `thalweg projections status ledger` has ['ledger']. */
  args: string[];
  /** The git repository root. */
  repo: string;
  schemasDir: string;
  topicsDir: string;
  /** Read lazily: a command that does not talk to Kafka or the registry does not need them. */
  brokers(): string[];
  /** The operator's SASL identity (THALWEG_KAFKA_USERNAME, …); none for brokers without authentication. */
  kafkaSasl(): KafkaSasl | undefined;
  registryUrl(): string;
}

/** The repository: --repo, else the git top level of --schemas-dir, else this checkout. */
function repoOf(options: CliOptions): string {
  if (options.repo) return resolve(options.repo);
  if (options['schemas-dir']) {
    try {
      return execFileSync('git', ['-C', resolve(options['schemas-dir']), 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return resolve(options['schemas-dir'], '..');
    }
  }
  return repoRoot;
}

export function createContext(io: CliIo, options: CliOptions, args: string[] = []): CliContext {
  const repo = repoOf(options);
  const read = <T>(setting: { variable: string; parse(raw: string): T; fallback: T | undefined }): T => {
    const raw = io.env[setting.variable];
    return raw === undefined ? (setting.fallback as T) : setting.parse(raw);
  };
  return {
    io,
    options,
    args,
    repo,
    schemasDir: options['schemas-dir'] ? resolve(options['schemas-dir']) : join(repo, 'schemas'),
    topicsDir: options['topics-dir'] ? resolve(options['topics-dir']) : join(repo, 'topics'),
    brokers: () => read(kafkaSettings.kafkaBrokers),
    kafkaSasl: () =>
      kafkaSasl({
        kafkaUsername: read(kafkaSettings.kafkaUsername),
        kafkaPassword: read(kafkaSettings.kafkaPassword),
        kafkaSaslMechanism: read(kafkaSettings.kafkaSaslMechanism),
      }),
    registryUrl: () => read(kafkaSettings.registryUrl),
  };
}
