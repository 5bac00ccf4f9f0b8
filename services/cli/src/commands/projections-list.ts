import { loadTopicSpecs, projectionsOf } from '@thalweg/platform/topics';
import type { CliContext } from '../cli-context.ts';
import { textTable } from '../operations/text-table.ts';

/** `thalweg projections list [--json]`: the catalogue joined with the topic specs; talks to nothing. */
export async function projectionsList(context: CliContext): Promise<number> {
  const { io } = context;
  const projections = projectionsOf(loadTopicSpecs({ root: context.topicsDir }));
  if (context.options.json) {
    io.out(JSON.stringify({ projections: projections.map(({ name, service, group, store, topics, description }) => ({ name, service, group, store, topics, description })) }, null, 2));
    return 0;
  }
  for (const line of textTable(
    ['PROJECTION', 'GROUP', 'STORE', 'TOPICS', 'DESCRIPTION'],
    projections.map((projection) => [projection.name, projection.group, projection.store, projection.topics.join(',') || '(none declared)', projection.description]),
  )) {
    io.out(line);
  }
  return 0;
}
