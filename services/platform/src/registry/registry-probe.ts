/** A GET against the registry's API that throws on any failure. */
export type RegistryGet = (path: string) => Promise<unknown>;

/**
 * Whether the registry answers for what it holds. A 404 for a schema id means "no such schema"
 * only from a registry that answers for the ids it knows: a wrong URL path, a proxy in front, or
 * a registry rebuilt empty answer 404 for every id, and dead-lettering on that would throw good
 * events away. The probe fetches an id this client has been answered for before, or else the
 * latest schema of the first subject; a registry with no subject at all holds nothing a Thalweg
 * stack has registered, so it does not pass either.
 */
export function createRegistryProbe(get: RegistryGet) {
  let knownId: number | undefined;

  async function someRegisteredId(): Promise<number | undefined> {
    if (knownId !== undefined) return knownId;
    const subjects = await get('/subjects');
    if (!Array.isArray(subjects) || subjects.length === 0) return undefined;
    const latest = (await get(`/subjects/${encodeURIComponent(String(subjects[0]))}/versions/latest`)) as { id?: unknown };
    return typeof latest.id === 'number' ? latest.id : undefined;
  }

  return {
    /** Records an id the registry has answered for: the cheapest probe later. */
    answered(schemaId: number) {
      knownId ??= schemaId;
    },
    async answersForKnownIds(): Promise<boolean> {
      try {
        const id = await someRegisteredId();
        if (id === undefined) return false;
        await get(`/schemas/ids/${id}`);
        return true;
      } catch {
        return false;
      }
    },
  };
}
