import { readinessLines } from './format-readiness.ts';
import type { ProjectionStatus } from './projection-status.ts';
import type { StoreReading } from './stored-offsets.ts';
import { textTable } from './text-table.ts';

const shown = (value: number | string | null) => (value === null ? '-' : String(value));

function storeLine(store: StoreReading): string {
  const base = `store: ${store.backend} ${store.location}`;
  if (store.state === 'reachable') return `${base}: reachable`;
  return `${base}: UNREACHABLE (${store.error})`;
}

/** The operator's view of one projection: header, store, one row per partition, instances. */
export function formatProjectionStatus(status: ProjectionStatus): string[] {
  const lines = [`${status.name}  group ${status.group}  service ${status.service}  lag ${shown(status.lag)}`, `  ${storeLine(status.store)}`];
  if (status.topics.length === 0) lines.push('  no topic spec lists this group');
  const rows: string[][] = [];
  for (const topic of status.topics) {
    if (topic.error) lines.push(`  ${topic.topic}: ${topic.error}`);
    for (const partition of topic.partitions) {
      rows.push([topic.topic, String(partition.partition), shown(partition.stored), shown(partition.end), shown(partition.lag), shown(partition.committed), shown(partition.lastAppliedAt)]);
    }
  }
  if (rows.length > 0) lines.push(...textTable(['TOPIC', 'PARTITION', 'STORED', 'END', 'LAG', 'COMMITTED', 'LAST APPLIED'], rows).map((line) => `  ${line}`));
  lines.push(...readinessLines(status.readiness));
  return lines;
}
