import { ThalwegError } from '@thalweg/platform/errors';
import { applyPlan, formatPlan, loadTopicSpecs, namedTopicOf, planTopics } from '@thalweg/platform/topics';
import type { CliContext } from '../cli-context.ts';
import { withAdmin } from './with-admin.ts';

/**
 * `thalweg topics apply [--allow-destructive <topic>]...`: plans, prints the plan, applies it.
 * Refused destructive changes make the run fail (exit 1) after the safe ones are applied.
 */
export async function topicsApply(context: CliContext): Promise<number> {
  const { io } = context;
  const specs = loadTopicSpecs({ root: context.topicsDir });
  const allowDestructive = context.options['allow-destructive'] ?? [];
  const result = await withAdmin(context, async (admin) => {
    const plan = await planTopics({ admin, specs, allowDestructive });
    io.out(formatPlan(plan));
    return applyPlan({ admin, plan, allowDestructive });
  });
  io.out('');
  for (const action of result.applied) io.out(`applied: ${action.kind} ${action.topic}`);
  if (result.acls.length > 0) io.out(`applied: ${result.acls.filter((change) => change.kind === 'grant').length} ACLs granted, ${result.acls.filter((change) => change.kind === 'revoke').length} revoked`);
  if (result.applied.length === 0 && result.acls.length === 0 && result.refused.length === 0) io.out('Nothing to apply.');
  if (result.refused.length > 0) {
    const topics = [...new Set(result.refused.map(namedTopicOf))];
    const error = new ThalwegError(
      'THALWEG_TOPIC_CHANGE_DESTRUCTIVE',
      `${result.refused.length} destructive change${result.refused.length === 1 ? '' : 's'} refused (${result.refused.map((action) => `${action.kind} ${action.topic}`).join(', ')}); ` +
        `to make ${topics.length === 1 ? 'it' : 'them'}, run: thalweg topics apply ${topics.map((topic) => `--allow-destructive ${topic}`).join(' ')}`,
    );
    io.err(`error ${error.code}: ${error.message}`);
    return 1;
  }
  const changes = result.applied.length + result.acls.length;
  if (changes > 0) io.out(`Applied ${changes} change${changes === 1 ? '' : 's'}.`);
  return 0;
}
