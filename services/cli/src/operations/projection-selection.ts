import { loadTopicSpecs, projectionsOf, type Projection } from '@thalweg/platform/topics';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../usage-error.ts';

/**
 * The projections a status asks for: all, or the one named. --group looks at the named projection
 * under another consumer group (a service run with THALWEG_CONSUMER_GROUP, a rebuild's generation).
 */
export function selectProjections(context: CliContext, usage: string): Projection[] {
  const [name] = context.args;
  const group = context.options.group;
  if (group !== undefined && name === undefined) throw new UsageError('--group needs a projection name: thalweg projections status <name> --group <group>', usage);
  const projections = projectionsOf(loadTopicSpecs({ root: context.topicsDir }), { groups: name !== undefined && group !== undefined ? { [name]: group } : {} });
  if (name === undefined) return projections;
  const chosen = projections.find((projection) => projection.name === name);
  if (!chosen) throw new UsageError(`unknown projection "${name}" (known: ${projections.map((projection) => projection.name).join(', ')})`, usage);
  return [chosen];
}
