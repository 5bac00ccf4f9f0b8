import { createHash } from 'node:crypto';

/**
 * A UUID (version 8, RFC 9562) derived from the SHA-256 of `parts`: the same parts always give
 * the same id. Used where a retry or a replay must name the same thing as the first attempt (a
 * command id from its Idempotency-Key, a transfer's entries from the transfer id).
 */
export function derivedUuid(...parts: unknown[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x80; // version 8, custom
  digest[8] = (digest[8]! & 0x3f) | 0x80; // variant 10
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
