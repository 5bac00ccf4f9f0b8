import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { databaseSettings } from '@thalweg/platform/config';
import { ThalwegError } from '@thalweg/platform/errors';
import { createPostgresGenerations } from '@thalweg/platform/projection';
import type { CliContext } from '../cli-context.ts';
import { connectKafkaAdmin } from '../operations/kafka-connection.ts';
import { selectProjections } from '../operations/projection-selection.ts';
import { settingReader } from '../operations/setting-reader.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

const GROUP_RELEASE_TIMEOUT = 30_000; // ms

/**
 * `thalweg projections drop <name> <generation>`: removes a generation that is no longer live (a
 * previous one, or a rebuild abandoned): its schema, its row, and its consumer group in Kafka once
 * the projector has let it go.
 */
export async function projectionsDrop(context: CliContext): Promise<number> {
  const usage = commandUsage['projections drop']!;
  const [name, number] = context.args;
  if (name === undefined || number === undefined) throw new UsageError('name the projection and the generation to drop', usage);
  if (!/^\d+$/.test(number)) throw new UsageError(`generation "${number}" is not a number`, usage);
  const [projection] = selectProjections({ ...context, args: [name] }, usage);
  if (projection!.store !== 'postgres') throw new ThalwegError('THALWEG_CONFLICT', `projection ${name} keeps its read model in ${projection!.store}: it has no generations to drop`);
  const { io } = context;
  const pool = new pg.Pool({ connectionString: settingReader(io.env)(databaseSettings.databaseUrl), max: 1, connectionTimeoutMillis: 3_000 });
  pool.on('error', () => {});
  try {
    const dropped = await createPostgresGenerations({ pool, projection: name, declaredGroup: projection!.group }).drop(Number(number));
    io.out(`${name}: generation ${dropped.generation} dropped (schema ${dropped.schema})`);
    if (dropped.group === projection!.group) return 0;
    const connection = await connectKafkaAdmin({ brokers: context.brokers(), sasl: context.kafkaSasl() });
    if (connection.state === 'unreachable') throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', `Kafka ${connection.brokers.join(',')}: its consumer group ${dropped.group} is left: ${connection.error}`);
    try {
      // The projectors stop the generation within their next poll; until then its group has members.
      const deadline = performance.now() + GROUP_RELEASE_TIMEOUT;
      for (;;) {
        const [described] = (await connection.admin.describeGroups([dropped.group])).groups;
        if (!described || described.state === 'Dead') break;
        if (described.state === 'Empty') {
          await connection.admin.deleteGroups([dropped.group]);
          break;
        }
        if (performance.now() > deadline) throw new ThalwegError('THALWEG_CONFLICT', `consumer group ${dropped.group} still has members after ${GROUP_RELEASE_TIMEOUT / 1_000} s: delete it once its projectors have stopped`);
        await delay(500);
      }
      io.out(`consumer group ${dropped.group} deleted`);
    } finally {
      await connection.close();
    }
    return 0;
  } finally {
    await pool.end();
  }
}
