import { createProjector, type ProjectorOptions } from '@thalweg/platform/projection';
import { loadCollectionSchema, type SearchIndex } from '@thalweg/platform/search';
import type { SearchOffsets } from './search-offsets.ts';
import { ENTRIES, USERS, searchProjection } from './search-projection.ts';
import { createSearchStore } from './search-store.ts';

export interface SearchProjectorOptions extends Omit<ProjectorOptions, 'store'> {
  index: SearchIndex;
  offsets: SearchOffsets;
}

/** The search projection: users and wallet entries in the search index, at least once and idempotent. */
export async function createSearchProjector({ index, offsets, ...options }: SearchProjectorOptions) {
  for (const name of [USERS, ENTRIES]) await index.ensureCollection(loadCollectionSchema(name));
  const store = createSearchStore({ index, handler: searchProjection, offsets });
  await store.init();
  return createProjector({ ...options, store });
}
