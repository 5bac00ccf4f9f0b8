import { formatPlan, loadTopicSpecs, planTopics } from '@thalweg/platform/topics';
import type { CliContext } from '../cli-context.ts';
import { withAdmin } from './with-admin.ts';

/** `thalweg topics plan`: prints what apply would do. Changes nothing. */
export async function topicsPlan(context: CliContext): Promise<number> {
  const specs = loadTopicSpecs({ root: context.topicsDir });
  const allowDestructive = context.options['allow-destructive'] ?? [];
  const plan = await withAdmin(context, (admin) => planTopics({ admin, specs, allowDestructive }));
  context.io.out(formatPlan(plan));
  return 0;
}
