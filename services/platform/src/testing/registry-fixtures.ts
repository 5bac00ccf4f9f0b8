import type { TestContext } from 'node:test';
import { onCleanup } from './cleanup.ts';
import { testStack } from './test-stack.ts';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Registers schemas under the test's own subjects (TopicRecordNameStrategy on the test topic)
 * and deletes them, soft then permanently, when the test ends.
 */
export async function registerTestSchemas(
  t: TestContext,
  topic: string,
  schemas: Array<{ fullName: string; schema: unknown }>,
  registryUrl = testStack.registryUrl,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const { fullName, schema } of schemas) {
    const subject = `${topic}-${fullName}`;
    const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPE },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });
    if (!response.ok) throw new Error(`registering ${subject}: ${response.status} ${await response.text()}`);
    ids.set(fullName, ((await response.json()) as { id: number }).id);
    onCleanup(t, async () => {
      await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' }).catch(() => {});
      await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}?permanent=true`, { method: 'DELETE' }).catch(() => {});
    });
  }
  return ids;
}
