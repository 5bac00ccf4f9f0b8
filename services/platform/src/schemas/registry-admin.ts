import type avro from 'avsc';
import { ThalwegError } from '../errors/index.ts';
import { registryMessage, registryRequest, segment } from './registry-http.ts';
import { formatProblem } from './compatibility-checker.ts';
import { checkEvolution, isCompatibilityLevel, type CompatibilityLevel, type SchemaVersion } from './schema-evolution.ts';

function unexpected(what: string, status: number, body: unknown, details: Record<string, unknown>): ThalwegError {
  return new ThalwegError('THALWEG_SCHEMA_INVALID', `${what}: registry answered ${status}: ${registryMessage(body)}`, { details: { ...details, status } });
}

export interface OnlineCheckResult {
  subject: string;
  compatible: boolean;
  /** False when the subject has no version yet (anything is compatible then). */
  subjectExists: boolean;
  /** Why not, when incompatible: the registry's reasons, or the offline checker's when it gives none. */
  messages: string[];
}

/**
 * Asks the registry whether `schema` may become the next version of `subject`, at the subject's
 * configured level. A subject that does not exist yet is compatible.
 */
export async function checkOnline({ registryUrl, subject, schema }: { registryUrl: string; subject: string; schema: avro.Schema }): Promise<OnlineCheckResult> {
  const { status, body } = await registryRequest({
    registryUrl,
    method: 'POST',
    path: `/compatibility/subjects/${segment(subject)}/versions/latest?verbose=true`,
    body: { schema: JSON.stringify(schema), schemaType: 'AVRO' },
  });
  if (status === 404) return { subject, compatible: true, subjectExists: false, messages: [] };
  if (status === 200 && body && typeof body === 'object') {
    const { is_compatible: compatible, messages } = body as { is_compatible?: unknown; messages?: unknown };
    const reasons = compatible === true ? [] : Array.isArray(messages) ? messages.map(String) : [];
    if (compatible !== true && reasons.length === 0) reasons.push(...(await explain(registryUrl, subject, schema)));
    // Some registries answer "compatible" for a subject they do not hold instead of 404.
    const subjectExists = (await listVersions({ registryUrl, subject })).length > 0;
    return { subject, compatible: compatible === true, subjectExists, messages: reasons };
  }
  if (status === 409) return { subject, compatible: false, subjectExists: true, messages: [registryMessage(body)] };
  throw unexpected(`compatibility check of ${subject}`, status, body, { subject });
}

/**
 * Some registries (Apicurio's Confluent API) answer a failed check without reasons: the offline
 * checker then names the fields, against the registered versions at the subject's level.
 */
async function explain(registryUrl: string, subject: string, schema: avro.Schema): Promise<string[]> {
  const level = (await getSubjectCompatibility({ registryUrl, subject })) ?? 'FULL_TRANSITIVE';
  const previous = await subjectSchemas({ registryUrl, subject });
  const problems = checkEvolution({ candidate: schema, previous, level });
  if (problems.length === 0) return [`the registry gives no reason (level ${level})`];
  return problems.map((problem) => `${formatProblem(problem)} [${problem.direction}; against ${problem.versions.join(', ')}]`);
}

/** Every registered version of a subject, oldest first, labelled `version N`. */
export async function subjectSchemas({ registryUrl, subject }: { registryUrl: string; subject: string }): Promise<SchemaVersion[]> {
  const versions: SchemaVersion[] = [];
  for (const version of await listVersions({ registryUrl, subject })) {
    const { status, body } = await registryRequest({ registryUrl, method: 'GET', path: `/subjects/${segment(subject)}/versions/${version}` });
    const text = (body as { schema?: unknown } | undefined)?.schema;
    if (status !== 200 || typeof text !== 'string') throw unexpected(`reading version ${version} of ${subject}`, status, body, { subject, version });
    versions.push({ label: `version ${version}`, schema: JSON.parse(text) as avro.Schema });
  }
  return versions.sort((a, b) => Number(a.label.slice(8)) - Number(b.label.slice(8)));
}

/** Sets a subject's compatibility level (PUT /config/{subject}). */
export async function setSubjectCompatibility({ registryUrl, subject, level }: { registryUrl: string; subject: string; level: CompatibilityLevel }): Promise<void> {
  const { status, body } = await registryRequest({ registryUrl, method: 'PUT', path: `/config/${segment(subject)}`, body: { compatibility: level } });
  if (status !== 200) throw unexpected(`setting compatibility ${level} on ${subject}`, status, body, { subject, level });
}

/** The level configured on the subject itself, or undefined when it inherits the global one. */
export async function getSubjectCompatibility({ registryUrl, subject }: { registryUrl: string; subject: string }): Promise<CompatibilityLevel | undefined> {
  const { status, body } = await registryRequest({ registryUrl, method: 'GET', path: `/config/${segment(subject)}` });
  if (status === 404) return undefined;
  if (status !== 200) throw unexpected(`reading compatibility of ${subject}`, status, body, { subject });
  const { compatibilityLevel, compatibility } = (body ?? {}) as { compatibilityLevel?: unknown; compatibility?: unknown };
  const level = compatibilityLevel ?? compatibility;
  return isCompatibilityLevel(level) ? level : undefined;
}

/** Every subject name the registry holds. */
export async function listSubjects({ registryUrl }: { registryUrl: string }): Promise<string[]> {
  const { status, body } = await registryRequest({ registryUrl, method: 'GET', path: '/subjects' });
  if (status !== 200 || !Array.isArray(body)) throw unexpected('listing subjects', status, body, {});
  return body.map(String);
}

/** The version numbers of a subject; empty when it does not exist. */
export async function listVersions({ registryUrl, subject }: { registryUrl: string; subject: string }): Promise<number[]> {
  const { status, body } = await registryRequest({ registryUrl, method: 'GET', path: `/subjects/${segment(subject)}/versions` });
  if (status === 404) return [];
  if (status !== 200 || !Array.isArray(body)) throw unexpected(`listing versions of ${subject}`, status, body, { subject });
  return body.map(Number);
}

/**
 * Deletes a subject for good: a soft delete, then the permanent one (the registry refuses a
 * permanent delete of a live subject). A missing subject is not an error: tests clean up with it.
 */
export async function deleteSubject(registryUrl: string, subject: string): Promise<void> {
  const path = `/subjects/${segment(subject)}`;
  const soft = await registryRequest({ registryUrl, method: 'DELETE', path });
  if (soft.status !== 200 && soft.status !== 404) throw unexpected(`deleting ${subject}`, soft.status, soft.body, { subject });
  const hard = await registryRequest({ registryUrl, method: 'DELETE', path: `${path}?permanent=true` });
  if (hard.status !== 200 && hard.status !== 404) throw unexpected(`permanently deleting ${subject}`, hard.status, hard.body, { subject });
  // The subject's own compatibility setting outlives it in some registries; drop it too.
  await registryRequest({ registryUrl, method: 'DELETE', path: `/config/${segment(subject)}` });
}
