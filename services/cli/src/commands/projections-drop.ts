import { setTimeout as delay } from 'node:timers/promises';
import { ThalwegError } from '@thalweg/platform/errors';
import type { CliContext } from '../cli-context.ts';
import { connectKafkaAdmin } from '../operations/kafka-connection.ts';
import { selectProjections } from '../operations/projection-selection.ts';
import { rebuildTarget } from '../operations/rebuild-target.ts';
import { settingReader } from '../operations/setting-reader.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

const GROUP_RELEASE_TIMEOUT = 30_000; // ms

/**
 * `thalweg projections drop <name> <generation>`: removes a generation that is no longer live (a
 * previous one, or a rebuild abandoned): its schema or database, its record, and its consumer group once
 * the projector has let it go.
 */
export async function projectionsDrop(context: CliContext): Promise<number> {
  const usage = commandUsage['projections drop']!;
  const [name, number] = context.args;
  if (name === undefined || number === undefined) throw new UsageError('name the projection and the generation to drop', usage);
  if (!/^\d+$/.test(number)) throw new UsageError(`generation "${number}" is not a number`, usage);
  const [projection] = selectProjections({ ...context, args: [name] }, usage);
  const { io } = context;
  const target = rebuildTarget(projection!, settingReader(io.env));
  try {
    const dropped = await target.drop(Number(number));
    io.out(`${name}: generation ${dropped.generation} dropped (${target.kind} ${dropped.location})`);
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
    await target.close();
  }
}
