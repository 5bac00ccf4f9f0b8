import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { testStack } from '@thalweg/platform/testing';

/** Registers the repository schemas of these event types under `<topic>-<full name>`; returns the subjects. */
export async function registerSubjects(topic: string, fullNames: string[]): Promise<string[]> {
  const catalog = loadSchemaCatalog();
  const subjects: string[] = [];
  for (const fullName of fullNames) {
    const subject = `${topic}-${fullName}`;
    const response = await fetch(`${testStack.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(catalog.get(fullName).schema) }),
    });
    if (!response.ok) throw new Error(`register ${subject}: ${response.status} ${await response.text()}`);
    subjects.push(subject);
  }
  return subjects;
}
