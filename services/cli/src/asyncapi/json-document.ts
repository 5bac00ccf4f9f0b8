/** A JSON object of the AsyncAPI document. */
export type JsonObject = { [key: string]: unknown };

/** A `$ref` to a place in the same document, its parts escaped as JSON Pointer asks. */
export function ref(...path: string[]): JsonObject {
  return { $ref: `#/${path.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}` };
}

/** The entries as an object in key order, so the document's maps do not depend on reading order. */
export function sortedObject<T>(entries: Array<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
