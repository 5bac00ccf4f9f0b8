import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import type { IHeaders } from 'kafkajs';
import type { CliContext } from '../cli-context.ts';
import { select } from '../dlq/dead-letter-filters.ts';
import { loadDeadLetters, type DeadLetterEntry } from '../dlq/dead-letter-state.ts';
import { decodeValue, type DecodedValue } from '../dlq/decoded-value.ts';
import { deadLetterTopicOperand, filterOption } from '../dlq/dlq-command.ts';
import { withKafka } from '../dlq/kafka-session.ts';
import { progress } from '../dlq/progress.ts';

const headerLines = (headers: IHeaders) => Object.entries(headers).map(([name, value]) => `${name}=${(Array.isArray(value) ? value : [value]).map((part) => part?.toString()).join(',')}`);
const place = ({ topic, partition, offset }: { topic: string; partition: number; offset: string }) => `${topic} ${partition}@${offset}`;

function describeAction(entry: DeadLetterEntry): string | undefined {
  const { action, replayedTo } = entry;
  if (entry.status === 'replayed') {
    const who = action ? ` by ${action.by.principal} (${action.by.user}) at ${action.time}${action.reason ? `: ${action.reason}` : ''}` : '';
    return `replayed to ${replayedTo ? place(replayedTo) : 'its retry topic'}${who}`;
  }
  if (entry.status === 'discarded' && action) return `discarded by ${action.by.principal} (${action.by.user}) at ${action.time}: ${action.reason ?? ''}`;
  return undefined;
}

function textOf(entry: DeadLetterEntry, value: DecodedValue): string[] {
  const lines = [
    `${place(entry.at)}  ${entry.status}`,
    `  event     ${place(entry.origin)}  key ${entry.key?.toString('utf8') ?? '(none)'}`,
    `  failed    ${entry.time.toISOString()} in group ${entry.group} after ${entry.attempts} attempt${entry.attempts === 1 ? '' : 's'}${entry.replays > 0 ? ` and ${entry.replays} replay${entry.replays === 1 ? '' : 's'}` : ''}`,
    `  error     ${entry.code}: ${entry.error}`,
  ];
  const done = describeAction(entry);
  if (done) lines.push(`  action    ${done}`);
  if ('payload' in value) lines.push(`  value     ${value.type ?? 'schema'} (schema id ${value.schemaId}) ${JSON.stringify(value.payload)}`);
  else lines.push(`  value     not decodable${value.schemaId === undefined ? '' : ` (schema id ${value.schemaId})`}: ${value.error.code}: ${value.error.message}`);
  lines.push(...headerLines(entry.eventHeaders).map((header, index) => `${index === 0 ? '  headers   ' : '            '}${header}`));
  return lines;
}

function jsonOf(entry: DeadLetterEntry, value: DecodedValue) {
  return {
    deadLetter: entry.at,
    status: entry.status,
    origin: entry.origin,
    group: entry.group,
    code: entry.code,
    error: entry.error,
    attempts: entry.attempts,
    time: entry.time.toISOString(),
    replays: entry.replays,
    key: entry.key?.toString('utf8') ?? null,
    value,
    headers: Object.fromEntries(Object.entries(entry.eventHeaders).map(([name, header]) => [name, Array.isArray(header) ? header.map(String) : String(header)])),
    ...(entry.action ? { action: entry.action } : {}),
    ...(entry.replayedTo ? { replayedTo: entry.replayedTo } : {}),
  };
}

/**
 * `thalweg dlq show <dlq-topic> [filters] [--json]`: the dead letters chosen, each with the event
 * decoded through the registry (or why it still is not), its headers, the error, and what was done
 * about it.
 */
export async function dlqShow(context: CliContext): Promise<number> {
  const { io, options } = context;
  const topic = deadLetterTopicOperand(context, 'show');
  const filter = filterOption(context, 'show');
  const registry = createSchemaRegistryClient({ url: context.registryUrl() });
  const chosen = await withKafka(context, async (kafka, admin) => {
    const reading = progress(io, `reading ${topic}`);
    const state = await loadDeadLetters({ kafka, admin, topics: [topic], onProgress: (read, total) => reading.update(read, total) });
    const chosen = select(filter, state.byTopic.get(topic) ?? []);
    reading.end(`${chosen.length} of ${state.byTopic.get(topic)?.length ?? 0} dead letters chosen`);
    return chosen;
  });
  const shown: Array<[DeadLetterEntry, DecodedValue]> = [];
  for (const entry of chosen) shown.push([entry, await decodeValue(registry, entry.value, context.registryUrl())]);
  if (options.json) {
    io.out(JSON.stringify({ topic, deadLetters: shown.map(([entry, value]) => jsonOf(entry, value)) }, null, 2));
    return 0;
  }
  if (shown.length === 0) {
    io.out(`No dead letters on ${topic} match.`);
    return 0;
  }
  io.out(shown.map(([entry, value]) => textOf(entry, value).join('\n')).join('\n\n'));
  return 0;
}
