import type { CliContext } from '../cli-context.ts';
import { currentActor } from '../dlq/actor.ts';
import { actionSelection, choosePending, deadLetterTopicOperand } from '../dlq/dlq-command.ts';
import { ensureActionsTopic, writeActions, type DlqAction } from '../dlq/dlq-actions.ts';
import { withKafka } from '../dlq/kafka-session.ts';
import { skippedSummary } from '../dlq/skipped.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

/**
 * `thalweg dlq discard <dlq-topic> (filters | --all) --reason <text> [--json]`: records, for each
 * chosen pending dead letter, that it is not to be replayed, who decided it and why. The dead
 * letter itself stays on its topic until its retention ends; it is no longer pending.
 */
export async function dlqDiscard(context: CliContext): Promise<number> {
  const { io, options } = context;
  const topic = deadLetterTopicOperand(context, 'discard');
  const filter = actionSelection(context, 'discard');
  const reason = options.reason?.trim();
  if (!reason) throw new UsageError('--reason <text> is required: a discard says why', commandUsage['dlq discard']!);
  const by = currentActor(context);
  const result = await withKafka(context, async (kafka, admin) => {
    const { matching, chosen } = await choosePending({ io, kafka, admin, topic, filter, verb: 'discard' });
    if (chosen.length === 0) return { matching, chosen };
    await ensureActionsTopic(admin);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const time = new Date().toISOString();
      const actions: DlqAction[] = chosen.map((entry) => ({ action: 'discard', deadLetter: entry.at, group: entry.group, by, reason, time }));
      await writeActions(producer, actions);
    } finally {
      await producer.disconnect().catch(() => {});
    }
    return { matching, chosen };
  });
  const skipped = skippedSummary(result.matching);
  if (options.json) {
    io.out(JSON.stringify({ topic, discarded: result.chosen.map((entry) => ({ deadLetter: entry.at, origin: entry.origin, code: entry.code })), by, reason, skipped: skipped.counts }, null, 2));
    return 0;
  }
  for (const entry of result.chosen) io.out(`discarded ${entry.at.partition}@${entry.at.offset} (${entry.code}, event ${entry.origin.topic} ${entry.origin.partition}@${entry.origin.offset})`);
  io.out(`Discarded ${result.chosen.length} dead letter${result.chosen.length === 1 ? '' : 's'} of ${topic} as ${by.principal} (${by.user}): ${reason}${skipped.text}.`);
  return 0;
}
