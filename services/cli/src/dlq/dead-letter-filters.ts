import type { CliOptions } from '../cli-context.ts';
import type { DeadLetter } from './dead-letter-record.ts';

/** Which dead letters a command acts on; every criterion given must hold. */
export interface DeadLetterFilter {
  codes: string[];
  since?: Date;
  until?: Date;
  partition?: number;
  offsets?: { from: bigint; to: bigint };
  limit?: number;
}

/** The raw options, as the command line gives them. */
export type FilterOptions = Pick<CliOptions, 'code' | 'since' | 'until' | 'partition' | 'offset' | 'limit'>;

/** Bad filter input: the command line is wrong, nothing was read or changed. */
export class FilterError extends Error {}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }; // ms

/** An ISO 8601 time, or a duration back from now: `90s`, `30m`, `2h`, `7d`. */
export function parseTime(option: string, raw: string, now: Date): Date {
  const relative = /^(\d+)([smhd])$/.exec(raw);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * units[relative[2]!]!);
  const time = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) throw new FilterError(`--${option} "${raw}": expected an ISO 8601 time (2026-12-01T10:00:00Z) or a duration back from now (30m, 2h, 7d)`);
  return time;
}

function parseNatural(option: string, raw: string, { min }: { min: number }): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) throw new FilterError(`--${option} "${raw}": expected an integer of at least ${min}`);
  return Number(raw);
}

/** `--offset 42` or `--offset 40-49` (inclusive). */
function parseOffsets(raw: string): { from: bigint; to: bigint } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!match) throw new FilterError(`--offset "${raw}": expected an offset (42) or an inclusive range (40-49)`);
  const from = BigInt(match[1]!);
  const to = match[2] === undefined ? from : BigInt(match[2]);
  if (to < from) throw new FilterError(`--offset "${raw}": the range ends before it begins`);
  return { from, to };
}

export function parseFilter(options: FilterOptions, now = new Date()): DeadLetterFilter {
  const filter: DeadLetterFilter = { codes: options.code ?? [] };
  if (options.since !== undefined) filter.since = parseTime('since', options.since, now);
  if (options.until !== undefined) filter.until = parseTime('until', options.until, now);
  if (filter.since && filter.until && filter.until < filter.since) throw new FilterError('--until is before --since: no dead letter can match');
  if (options.partition !== undefined) filter.partition = parseNatural('partition', options.partition, { min: 0 });
  if (options.offset !== undefined) filter.offsets = parseOffsets(options.offset);
  if (options.limit !== undefined) filter.limit = parseNatural('limit', options.limit, { min: 1 });
  return filter;
}

/** True when some criterion narrows the choice (a limit alone does too). */
export function isNarrowed(filter: DeadLetterFilter): boolean {
  return filter.codes.length > 0 || Boolean(filter.since || filter.until || filter.offsets || filter.limit !== undefined) || filter.partition !== undefined;
}

/** Whether one dead letter matches: time is when it was dead-lettered, offsets are its own. */
export function matches(filter: DeadLetterFilter, letter: DeadLetter): boolean {
  if (filter.codes.length > 0 && !filter.codes.includes(letter.code)) return false;
  if (filter.since && letter.time < filter.since) return false;
  if (filter.until && letter.time > filter.until) return false;
  if (filter.partition !== undefined && letter.at.partition !== filter.partition) return false;
  if (filter.offsets) {
    const offset = BigInt(letter.at.offset);
    if (offset < filter.offsets.from || offset > filter.offsets.to) return false;
  }
  return true;
}

/** The matching dead letters, in order, at most `limit`. */
export function select<T extends DeadLetter>(filter: DeadLetterFilter, letters: T[]): T[] {
  const chosen = letters.filter((letter) => matches(filter, letter));
  return filter.limit === undefined ? chosen : chosen.slice(0, filter.limit);
}
