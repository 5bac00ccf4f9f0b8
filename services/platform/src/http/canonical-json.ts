/**
 * JSON with every object's keys in code point order, at every depth: two bodies that differ only
 * in key order are the same text. Arrays keep their order (it means something); values are
 * written as JSON.stringify writes them (undefined members dropped, toJSON honoured).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) return member;
    return Object.fromEntries(Object.entries(member as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
