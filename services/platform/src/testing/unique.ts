import { randomUUID } from 'node:crypto';

/** A name no other test run uses: topics, groups, databases, subjects. */
export function uniqueName(prefix: string, separator = '-'): string {
  return `${prefix}${separator}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
