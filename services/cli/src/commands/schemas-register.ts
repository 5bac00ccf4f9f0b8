import { loadSchemaCatalog, registerSchemas } from '@thalweg/platform/schemas';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import type { CliContext } from '../cli-context.ts';

/** `thalweg schemas register`: each allowed event type under `<topic>-<record>`, with the topic's level. */
export async function schemasRegister(context: CliContext): Promise<number> {
  const catalog = loadSchemaCatalog({ root: context.schemasDir });
  const topics = loadTopicSpecs({ root: context.topicsDir });
  const registered = await registerSchemas({
    registryUrl: context.registryUrl(),
    catalog,
    topics,
    ...(context.options.subject ? { subjects: context.options.subject } : {}),
  });
  for (const schema of registered) {
    context.io.out(`registered ${schema.subject}: id ${schema.id}, version ${schema.version ?? '?'}, compatibility ${schema.compatibility}`);
  }
  context.io.out(`${registered.length} subject${registered.length === 1 ? '' : 's'} registered.`);
  return 0;
}
