import type avro from 'avsc';
import { ThalwegError } from '../errors/index.ts';
import { checkOnline, setSubjectCompatibility } from './registry-admin.ts';
import { registryMessage, registryRequest, segment } from './registry-http.ts';
import type { SchemaCatalog } from './schema-catalog.ts';
import type { CompatibilityLevel } from './schema-evolution.ts';
import { subjectFor } from './subject-naming.ts';

/** What registration needs from a topic spec (topics/ as code). */
export interface TopicEventTypes {
  name: string;
  eventTypes: string[];
  compatibility: CompatibilityLevel;
}

export interface SubjectTarget {
  subject: string;
  topic: string;
  eventType: string;
  compatibility: CompatibilityLevel;
  schema: avro.Schema;
}

export interface RegisteredSchema {
  subject: string;
  topic: string;
  eventType: string;
  /** The registry's global schema id, the one in the wire format. */
  id: number;
  /** The subject's version holding the schema. */
  version: number | undefined;
  compatibility: CompatibilityLevel;
}

export interface RegisterSchemasOptions {
  registryUrl: string;
  catalog: Pick<SchemaCatalog, 'get'>;
  topics: { all(): TopicEventTypes[] };
  /** Register only these subjects; default every allowed event type of every topic. */
  subjects?: string[];
}

/** Each (topic, allowed event type) pair with its subject, schema and declared level. */
export function subjectTargets({ catalog, topics, subjects }: Omit<RegisterSchemasOptions, 'registryUrl'>): SubjectTarget[] {
  const targets = topics.all().flatMap((topic) =>
    topic.eventTypes.map((eventType) => ({
      subject: subjectFor(topic.name, eventType),
      topic: topic.name,
      eventType,
      compatibility: topic.compatibility,
      schema: catalog.get(eventType).schema,
    })),
  );
  if (!subjects) return targets;
  const declared = new Set(targets.map((target) => target.subject));
  const unknown = subjects.filter((subject) => !declared.has(subject));
  if (unknown.length > 0) {
    throw new ThalwegError('THALWEG_SCHEMA_NOT_FOUND', `no topic spec allows an event type with subject ${unknown.join(', ')}`, { details: { subjects: unknown } });
  }
  return targets.filter((target) => subjects.includes(target.subject));
}

async function register(registryUrl: string, target: SubjectTarget): Promise<number> {
  const { status, body } = await registryRequest({
    registryUrl,
    method: 'POST',
    path: `/subjects/${segment(target.subject)}/versions`,
    body: { schema: JSON.stringify(target.schema), schemaType: 'AVRO' },
  });
  const id = (body as { id?: unknown } | undefined)?.id;
  if (status === 200 && typeof id === 'number') return id;
  const details = { subject: target.subject, status };
  if (status === 409) {
    throw new ThalwegError('THALWEG_SCHEMA_INCOMPATIBLE', `${target.subject}: the registry refused the schema as incompatible: ${registryMessage(body)}`, { details });
  }
  throw new ThalwegError('THALWEG_SCHEMA_INVALID', `${target.subject}: the registry refused the schema (${status}): ${registryMessage(body)}`, { details });
}

async function versionOf(registryUrl: string, target: SubjectTarget): Promise<number | undefined> {
  const { status, body } = await registryRequest({
    registryUrl,
    method: 'POST',
    path: `/subjects/${segment(target.subject)}`,
    body: { schema: JSON.stringify(target.schema), schemaType: 'AVRO' },
  });
  const version = (body as { version?: unknown } | undefined)?.version;
  return status === 200 && typeof version === 'number' ? version : undefined;
}

/** Sets the declared level; false when the registry only accepts it once the subject exists. */
async function trySetCompatibility(registryUrl: string, target: SubjectTarget): Promise<boolean> {
  try {
    await setSubjectCompatibility({ registryUrl, subject: target.subject, level: target.compatibility });
    return true;
  } catch (error) {
    if (error instanceof ThalwegError && error.details.status === 404) return false;
    throw error;
  }
}

/**
 * Registers each allowed event type's schema under its subject (`<topic>-<record full name>`)
 * with the topic's compatibility level. Every subject is checked online first, so an
 * incompatible schema registers nothing (THALWEG_SCHEMA_INCOMPATIBLE naming each subject).
 */
export async function registerSchemas(options: RegisterSchemasOptions): Promise<RegisteredSchema[]> {
  const { registryUrl } = options;
  const targets = subjectTargets(options);
  const levelSet = new Map<string, boolean>();
  const refusals: string[] = [];
  for (const target of targets) {
    // The declared level governs the check, so it is set before checking.
    levelSet.set(target.subject, await trySetCompatibility(registryUrl, target));
    const result = await checkOnline({ registryUrl, subject: target.subject, schema: target.schema });
    if (!result.compatible) refusals.push(`${target.subject}: ${result.messages.join('; ') || 'incompatible'}`);
  }
  if (refusals.length > 0) {
    throw new ThalwegError('THALWEG_SCHEMA_INCOMPATIBLE', `the registry refuses ${refusals.length} schema(s):\n  ${refusals.join('\n  ')}`, {
      details: { refusals },
    });
  }
  const registered: RegisteredSchema[] = [];
  for (const target of targets) {
    const id = await register(registryUrl, target);
    if (!levelSet.get(target.subject)) await setSubjectCompatibility({ registryUrl, subject: target.subject, level: target.compatibility });
    const version = await versionOf(registryUrl, target);
    registered.push({ subject: target.subject, topic: target.topic, eventType: target.eventType, id, version, compatibility: target.compatibility });
  }
  return registered;
}
