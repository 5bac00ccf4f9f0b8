import type { CliContext } from '../cli-context.ts';
import { formatProjectionStatus } from '../operations/format-projection-status.ts';
import { connectKafkaAdmin } from '../operations/kafka-connection.ts';
import { selectProjections } from '../operations/projection-selection.ts';
import { isUnhealthy, projectionStatus, type ProjectionStatus } from '../operations/projection-status.ts';
import { liveGeneration } from '../operations/live-generation.ts';
import { projectionStore } from '../operations/projection-store.ts';
import { settingReader } from '../operations/setting-reader.ts';
import { commandUsage } from '../usage.ts';

/**
 * `thalweg projections status [<name>] [--group <group>] [--json]`: per projection and partition
 * the stored offset, Kafka's end, the lag, the group's committed offset and the last applied time,
 * and its instances' readiness. Exit 1 when a store or Kafka cannot be reached.
 */
export async function projectionsStatus(context: CliContext): Promise<number> {
  const { io } = context;
  const projections = selectProjections(context, commandUsage['projections status']!);
  const read = settingReader(io.env);
  const connection = await connectKafkaAdmin({ brokers: context.brokers(), sasl: context.kafkaSasl() });
  const statuses: ProjectionStatus[] = [];
  try {
    // One projection after another: they share the admin client, whose offset lookups must not overlap.
    for (const projection of projections) {
      const declared = { projection, store: projectionStore(projection.store, read, io.env) };
      // Without --group, a PostgreSQL projection is shown as its live generation serves.
      const serving = context.options.group === undefined ? await liveGeneration(declared.projection, declared.store, 3_000) : declared;
      statuses.push(await projectionStatus({ projection: serving.projection, store: serving.store, connection, env: io.env }));
    }
  } finally {
    if (connection.state === 'reachable') await connection.close();
  }
  if (context.options.json) {
    io.out(JSON.stringify({ projections: statuses }, null, 2));
  } else {
    if (connection.state === 'unreachable') io.out(`Kafka ${connection.brokers.join(',')}: UNREACHABLE (${connection.error})\n`);
    io.out(statuses.map((status) => formatProjectionStatus(status).join('\n')).join('\n\n'));
  }
  return statuses.some(isUnhealthy) ? 1 : 0;
}
