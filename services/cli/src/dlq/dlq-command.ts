import type { Admin, Kafka } from 'kafkajs';
import type { CliContext, CliIo } from '../cli-context.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';
import { FilterError, isNarrowed, parseFilter, select, type DeadLetterFilter } from './dead-letter-filters.ts';
import { loadDeadLetters, type DeadLetterEntry } from './dead-letter-state.ts';
import { progress } from './progress.ts';
import { deadLetterTopicSource } from './dlq-topics.ts';

/** The dead letter topic a command names: `<topic>.<group>.dlq`, else a usage error (exit 2). */
export function deadLetterTopicOperand(context: CliContext, command: string): string {
  const [topic] = context.args;
  const usage = commandUsage[`dlq ${command}`]!;
  if (!topic) throw new UsageError(`name the dead letter topic (\`thalweg dlq list\` shows them)`, usage);
  if (!deadLetterTopicSource(topic)) throw new UsageError(`"${topic}" is not a dead letter topic name (<topic>.<group>.dlq)`, usage);
  return topic;
}

/** The filter options of a command; bad input is a usage error that reads or changes nothing. */
export function filterOption(context: CliContext, command: string): DeadLetterFilter {
  try {
    return parseFilter(context.options);
  } catch (error) {
    if (error instanceof FilterError) throw new UsageError(error.message, commandUsage[`dlq ${command}`]!);
    throw error;
  }
}

/**
 * The choice of a command that changes something (replay, discard): a filter, or --all. Acting
 * on every pending dead letter is then a choice the operator wrote down, never a forgotten flag.
 */
export function actionSelection(context: CliContext, command: string): DeadLetterFilter {
  const filter = filterOption(context, command);
  const all = context.options.all === true;
  if (all && isNarrowed(filter)) throw new UsageError('--all chooses every pending dead letter; leave it out to choose by --code, --since, --until, --partition, --offset or --limit', commandUsage[`dlq ${command}`]!);
  if (!all && !isNarrowed(filter)) throw new UsageError(`choose the dead letters to ${command} (--code, --since, --until, --partition, --offset, --limit) or give --all`, commandUsage[`dlq ${command}`]!);
  return filter;
}

/**
 * What replay and discard act on: the dead letters of `topic` that match the filter (its limit
 * aside), and of those the pending ones, up to the limit. Progress goes to the operator.
 */
export async function choosePending({ io, kafka, admin, topic, filter, verb }: { io: CliIo; kafka: Kafka; admin: Admin; topic: string; filter: DeadLetterFilter; verb: string }): Promise<{ matching: DeadLetterEntry[]; chosen: DeadLetterEntry[] }> {
  const reading = progress(io, `reading ${topic}`);
  const state = await loadDeadLetters({ kafka, admin, topics: [topic], onProgress: (read, total) => reading.update(read, total) });
  const all = state.byTopic.get(topic) ?? [];
  const matching = select({ ...filter, limit: undefined }, all);
  const chosen = select(filter, matching.filter((entry) => entry.status === 'pending'));
  reading.end(`${all.length} dead letters, ${chosen.length} to ${verb}`);
  return { matching, chosen };
}
