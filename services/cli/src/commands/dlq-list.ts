import type { CliContext } from '../cli-context.ts';
import { loadDeadLetters, type DeadLetterEntry } from '../dlq/dead-letter-state.ts';
import { deadLetterTopicSource } from '../dlq/dlq-topics.ts';
import { withKafka } from '../dlq/kafka-session.ts';
import { progress } from '../dlq/progress.ts';
import { textTable } from '../operations/text-table.ts';

interface Counts {
  total: number;
  pending: number;
  replayed: number;
  discarded: number;
}

const zero = (): Counts => ({ total: 0, pending: 0, replayed: 0, discarded: 0 });

function count(counts: Counts, entry: DeadLetterEntry) {
  counts.total += 1;
  counts[entry.status] += 1;
}

/** One dead letter topic's counts, per group and error code. */
function summarise(topic: string, entries: DeadLetterEntry[]) {
  const source = deadLetterTopicSource(topic)!;
  const byCode = new Map<string, Counts & { group: string; code: string }>();
  const totals = zero();
  for (const entry of entries) {
    const key = `${entry.group}\u0000${entry.code}`;
    let row = byCode.get(key);
    if (!row) byCode.set(key, (row = { group: entry.group, code: entry.code, ...zero() }));
    count(row, entry);
    count(totals, entry);
  }
  return { topic, sourceTopic: source.topic, group: source.group, ...totals, byCode: [...byCode.values()].sort((a, b) => a.group.localeCompare(b.group) || a.code.localeCompare(b.code)) };
}

/**
 * `thalweg dlq list [--group <group>] [--json]`: every dead letter topic on the cluster with its
 * dead letters counted per group and error code, pending, replayed and discarded. Only headers are
 * read, no value is decoded, so it stays one pass over each topic however large.
 */
export async function dlqList(context: CliContext): Promise<number> {
  const { io, options } = context;
  const summaries = await withKafka(context, async (kafka, admin) => {
    const topics = (await admin.listTopics())
      .filter((topic) => deadLetterTopicSource(topic) !== undefined)
      .filter((topic) => options.group === undefined || deadLetterTopicSource(topic)!.group === options.group)
      .sort();
    if (topics.length === 0) return [];
    const reading = progress(io, `reading ${topics.length} dead letter topic${topics.length === 1 ? '' : 's'}`);
    const state = await loadDeadLetters({ kafka, admin, topics, onProgress: (read, total) => reading.update(read, total) });
    const summaries = topics.map((topic) => summarise(topic, state.byTopic.get(topic) ?? []));
    reading.end(`${summaries.reduce((sum, summary) => sum + summary.total, 0)} dead letters read`);
    return summaries;
  });
  const totals = zero();
  for (const summary of summaries) for (const key of ['total', 'pending', 'replayed', 'discarded'] as const) totals[key] += summary[key];
  if (options.json) {
    io.out(JSON.stringify({ topics: summaries, totals }, null, 2));
    return 0;
  }
  if (summaries.length === 0) {
    io.out(options.group === undefined ? 'No dead letter topics on the cluster.' : `No dead letter topics of group ${options.group} on the cluster.`);
    return 0;
  }
  const rows = summaries.flatMap((summary) =>
    summary.byCode.map((row) => [summary.topic, row.group, row.code, String(row.pending), String(row.replayed), String(row.discarded), String(row.total)]),
  );
  const empty = summaries.filter((summary) => summary.total === 0).length;
  if (rows.length > 0) io.out(textTable(['DEAD LETTER TOPIC', 'GROUP', 'CODE', 'PENDING', 'REPLAYED', 'DISCARDED', 'TOTAL'], rows).join('\n'));
  io.out(
    `${rows.length > 0 ? '\n' : ''}Total: ${totals.total} dead letter${totals.total === 1 ? '' : 's'} in ${summaries.length - empty} topic${summaries.length - empty === 1 ? '' : 's'}: ` +
      `${totals.pending} pending, ${totals.replayed} replayed, ${totals.discarded} discarded` +
      (empty > 0 ? ` (${empty} dead letter topic${empty === 1 ? '' : 's'} empty)` : '') +
      '.',
  );
  return 0;
}
