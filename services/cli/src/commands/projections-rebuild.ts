import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { databaseSettings } from '@thalweg/platform/config';
import { ThalwegError, isThalwegError } from '@thalweg/platform/errors';
import { createPostgresGenerations, type Generation } from '@thalweg/platform/projection';
import { retryTopicName, type Projection } from '@thalweg/platform/topics';
import { processIo, type CliContext } from '../cli-context.ts';
import { connectKafkaAdmin } from '../operations/kafka-connection.ts';
import { lagFrom, readTopicEnds, type KafkaAdmin } from '../operations/kafka-offsets.ts';
import { selectProjections } from '../operations/projection-selection.ts';
import { createRebuildProgress, formatRebuildLine, type RebuildSnapshot } from '../operations/rebuild-progress.ts';
import { settingReader } from '../operations/setting-reader.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

const POLL_INTERVAL = 1_000; // ms
/** How long before a rebuild nobody has picked up is worth a word (the projector may not run). */
const PICK_UP_HINT_AFTER = 30_000; // ms
/** PostgreSQL's undefined_table: the generation's projector has not created its tables yet. */
const UNDEFINED_TABLE = '42P01';

/** The next offsets a generation has stored, per `topic/partition`. */
async function storedOffsets(pool: pg.Pool, generation: Generation): Promise<Map<string, number>> {
  try {
    const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
      `SELECT topic, partition, next_offset FROM ${pg.Client.prototype.escapeIdentifier(generation.schema)}.projection_offsets WHERE group_id = $1`,
      [generation.group],
    );
    return new Map(rows.map((row) => [`${row.topic}/${row.partition}`, Number(row.next_offset)]));
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return new Map();
    throw error;
  }
}

async function snapshot(pool: pg.Pool, admin: KafkaAdmin, projection: Projection, generation: Generation): Promise<RebuildSnapshot & { pickedUp: boolean }> {
  const stored = await storedOffsets(pool, generation);
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
 * `thalweg projections rebuild <name>`: blue/green. A new generation (its own schema, its own
 * consumer group) is filled from offset 0 by the projection's running service while the live one
 * keeps serving; once every partition has caught up it is swapped in, every view at once, and the
 * previous generation is kept until dropped. Running it again while a rebuild is under way
 * follows that rebuild. Progress with events/s and an ETA, on one line on a terminal, a plain
 * line per step (and every ten seconds) otherwise.
 */
export async function projectionsRebuild(context: CliContext): Promise<number> {
  const usage = commandUsage['projections rebuild']!;
  if (context.args.length !== 1) throw new UsageError('name the projection to rebuild', usage);
  const [projection] = selectProjections(context, usage);
  if (projection!.store !== 'postgres') {
    throw new ThalwegError('THALWEG_CONFLICT', `projection ${projection!.name} keeps its read model in ${projection!.store}: blue/green rebuilds are built for PostgreSQL projections only so far`);
  }
  const { io } = context;
  // One line rewritten in place only on the operator's own terminal.
  const terminal = io === processIo && Boolean(process.stdout.isTTY);
  const pool = new pg.Pool({ connectionString: settingReader(io.env)(databaseSettings.databaseUrl), max: 2, connectionTimeoutMillis: 3_000 });
  pool.on('error', () => {});
  const connection = await connectKafkaAdmin({ brokers: context.brokers(), sasl: context.kafkaSasl() });
  if (connection.state === 'unreachable') throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `Kafka ${connection.brokers.join(',')}: ${connection.error}`);
  try {
    const generations = createPostgresGenerations({ pool, projection: projection!.name, declaredGroup: projection!.group });
    const live = await generations.live();
    const generation = (await generations.building()) ?? (await generations.begin({ startAt: await retryTopicEnds(connection.admin, projection!) }));
    io.out(`${projection!.name}: building generation ${generation.generation} (schema ${generation.schema}, consumer group ${generation.group}) while generation ${live.generation} serves`);
    const progress = createRebuildProgress();
    const started = performance.now();
    let pickedUp = false;
    let hinted = false;
    let lastPlainLine = 0;
    let swapped: Generation | undefined;
    for (;;) {
      const current = await snapshot(pool, connection.admin, projection!, generation);
      progress.add(current);
      if (current.pickedUp && !pickedUp) {
        pickedUp = true;
        if (!terminal) io.out(`generation ${generation.generation}: picked up by ${projection!.service}`);
      }
      if (!pickedUp && !hinted && performance.now() - started > PICK_UP_HINT_AFTER) {
        hinted = true;
        io.err(`no ${projection!.service} instance has picked up generation ${generation.generation} yet: is ${projection!.service} running against this database?`);
      }
      const line = formatRebuildLine(generation.generation, current, progress.rate(), progress.etaSeconds());
      if (terminal) process.stdout.write(`\r\x1b[2K${line}`);
      else if (current.at - lastPlainLine >= 10_000) {
        io.out(line);
        lastPlainLine = current.at;
      }
      if (pickedUp && current.remaining === 0) {
        // Caught up with the topics' ends; the swap also waits until it is not behind the live one.
        swapped = await generations.swap(generation.generation, { topics: projection!.topics }).catch((error: unknown) => {
          if (isThalwegError(error) && error.code === 'THALWEG_CONFLICT' && error.retriable) return undefined;
          throw error;
        });
        if (swapped) break;
      }
      await delay(POLL_INTERVAL);
    }
    if (terminal) process.stdout.write('\n');
    io.out(`generation ${generation.generation}: caught up on every partition, swapped in`);
    const kept = live.schema === 'public' ? 'its tables stay in the public schema' : `thalweg projections drop ${projection!.name} ${live.generation} removes it`;
    io.out(`${projection!.name}: generation ${swapped!.generation} is live; generation ${live.generation} is kept (${kept})`);
    return 0;
  } finally {
    await connection.close();
    await pool.end();
  }
}
