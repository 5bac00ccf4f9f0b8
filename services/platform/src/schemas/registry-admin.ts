import type avro from 'avsc';
import { ThalwegError } from '../errors/index.ts';
import { registryMessage, registryRequest, segment } from './registry-http.ts';
import { isCompatibilityLevel, type CompatibilityLevel } from './schema-evolution.ts';

function unexpected(what: string, status: number, body: unknown, details: Record<string, unknown>): ThalwegError {
  return new ThalwegError('THALWEG_SCHEMA_INVALID', `${what}: registry answered ${status}: ${registryMessage(body)}`, { details: { ...details, status } });
}

export interface OnlineCheckResult {
  subject: string;
  compatible: boolean;
  /** False when the subject has no version yet (anything is compatible then). */
  subjectExists: boolean;
  /** The registry's reasons when incompatible. */
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
    return {
      subject,
      compatible: compatible === true,
      subjectExists: true,
      messages: Array.isArray(messages) ? messages.map(String) : [],
    };
  }
  if (status === 409) return { subject, compatible: false, subjectExists: true, messages: [registryMessage(body)] };
  throw unexpected(`compatibility check of ${subject}`, status, body, { subject });
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
