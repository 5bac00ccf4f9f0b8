import { setTimeout as delay } from 'node:timers/promises';
import { ThalwegError, isThalwegError } from '@thalweg/platform/errors';
import { retryTopicName, type Projection } from '@thalweg/platform/topics';
import { processIo, type CliContext } from '../cli-context.ts';
import { connectKafkaAdmin } from '../operations/kafka-connection.ts';
import { lagFrom, readTopicEnds, type KafkaAdmin } from '../operations/kafka-offsets.ts';
import { selectProjections } from '../operations/projection-selection.ts';
import { createRebuildProgress, formatRebuildLine, type RebuildSnapshot } from '../operations/rebuild-progress.ts';
import { rebuildTarget, type RebuildTarget, type TargetGeneration } from '../operations/rebuild-target.ts';
import { settingReader } from '../operations/setting-reader.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

const POLL_INTERVAL = 1_000; // ms
/** How long before a rebuild nobody has picked up is worth a word (the projector may not run). */
const PICK_UP_HINT_AFTER = 30_000; // ms

async function snapshot(target: RebuildTarget, admin: KafkaAdmin, projection: Projection, generation: TargetGeneration): Promise<RebuildSnapshot & { pickedUp: boolean }> {
  const stored = await target.storedOffsets(generation);
  const result = { remaining: 0, done: 0, caughtUp: 0, partitions: 0, at: performance.now(), pickedUp: stored.size > 0 };
  for (const ends of await readTopicEnds(admin, projection.topics)) {
    if ('error' in ends) throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `${ends.topic}: ${ends.error}`);
    for (const partition of ends.partitions) {
      const position = stored.get(`${ends.topic}/${partition.partition}`) ?? null;
      const remaining = lagFrom(partition, position);
      result.partitions += 1;
      result.remaining += remaining;
      result.done += Math.max(0, partition.end - partition.low - remaining);
      if (remaining === 0) result.caughtUp += 1;
    }
  }
  return result;
}

/**
 * Where the group's retry topics end: a new generation starts there, since what was replayed
 * before is of events it reads again from the topics themselves. A group without retry topics
 * (one not declared in the specs) has none to skip.
 */
async function retryTopicEnds(admin: KafkaAdmin, projection: Projection) {
  const ends = await readTopicEnds(admin, projection.topics.map((topic) => retryTopicName(topic, projection.group)));
  return ends.flatMap((entry) => ('partitions' in entry ? entry.partitions.map(({ partition, end }) => ({ topic: entry.topic, partition, offset: String(end) })) : []));
}

/**
 * `thalweg projections rebuild <name>`: blue/green. A new generation (its own PostgreSQL schema or
 * MongoDB database, its own consumer group) is filled from offset 0 by the projection's running
 * service while the live one keeps serving; once every partition has caught up it is swapped in at
 * once, and the previous generation is kept until dropped. Running it again while a rebuild is under way
 * follows that rebuild. Progress with events/s and an ETA, on one line on a terminal, a plain
 * line per step (and every ten seconds) otherwise.
 */
export async function projectionsRebuild(context: CliContext): Promise<number> {
  const usage = commandUsage['projections rebuild']!;
  if (context.args.length !== 1) throw new UsageError('name the projection to rebuild', usage);
  const [projection] = selectProjections(context, usage);
  const { io } = context;
  // One line rewritten in place only on the operator's own terminal.
  const terminal = io === processIo && Boolean(process.stdout.isTTY);
  const target = rebuildTarget(projection!, settingReader(io.env));
  const connection = await connectKafkaAdmin({ brokers: context.brokers(), sasl: context.kafkaSasl() });
  try {
    if (connection.state === 'unreachable') throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `Kafka ${connection.brokers.join(',')}: ${connection.error}`);
    const live = await target.live();
    const generation = (await target.building()) ?? (await target.begin(await retryTopicEnds(connection.admin, projection!)));
    io.out(`${projection!.name}: building generation ${generation.generation} (${target.kind} ${generation.location}, consumer group ${generation.group}) while generation ${live.generation} serves`);
    const progress = createRebuildProgress();
    const started = performance.now();
    let pickedUp = false;
    let hinted = false;
    let lastPlainLine = 0;
    let swapped: TargetGeneration | undefined;
    for (;;) {
      const current = await snapshot(target, connection.admin, projection!, generation);
      progress.add(current);
      if (current.pickedUp && !pickedUp) {
        pickedUp = true;
        if (!terminal) io.out(`generation ${generation.generation}: picked up by ${projection!.service}`);
      }
      if (!pickedUp && !hinted && performance.now() - started > PICK_UP_HINT_AFTER) {
        hinted = true;
        io.err(`no ${projection!.service} instance has picked up generation ${generation.generation} yet: is ${projection!.service} running against this store?`);
      }
      const line = formatRebuildLine(generation.generation, current, progress.rate(), progress.etaSeconds());
      if (terminal) process.stdout.write(`\r\x1b[2K${line}`);
      else if (current.at - lastPlainLine >= 10_000) {
        io.out(line);
        lastPlainLine = current.at;
      }
      if (pickedUp && current.remaining === 0) {
        // Caught up with the topics' ends; the swap also waits until it is not behind the live one.
        swapped = await target.swap(generation.generation, projection!.topics).catch((error: unknown) => {
          if (isThalwegError(error) && error.code === 'THALWEG_CONFLICT' && error.retriable) return undefined;
          throw error;
        });
        if (swapped) break;
      }
      await delay(POLL_INTERVAL);
    }
    if (terminal) process.stdout.write('\n');
    io.out(`generation ${generation.generation}: caught up on every partition, swapped in`);
    const kept = live.generation === 0 ? `in ${live.location}, where the projector first wrote it` : `thalweg projections drop ${projection!.name} ${live.generation} removes it`;
    io.out(`${projection!.name}: generation ${swapped!.generation} is live; generation ${live.generation} is kept (${kept})`);
    return 0;
  } finally {
    if (connection.state === 'reachable') await connection.close();
    await target.close();
  }
}
