import { createProjector, type ProjectionStore, type ProjectorOptions } from '@thalweg/platform/projection';
import { loadCollectionSchema, type SearchIndex } from '@thalweg/platform/search';
import type { SearchOffsets } from './search-offsets.ts';
import { ENTRIES, USERS, searchProjection } from './search-projection.ts';
import { createSearchStore } from './search-store.ts';

export interface SearchProjectorOptions extends Omit<ProjectorOptions, 'store'> {
  index: SearchIndex;
  offsets: SearchOffsets;
  /** Wraps the store, e.g. to observe or instrument every apply. */
  decorateStore?: (store: ProjectionStore) => ProjectionStore;
}

/** The search projection: users and wallet entries in the search index, at least once and idempotent. */
export async function createSearchProjector({ index, offsets, decorateStore = (store) => store, ...options }: SearchProjectorOptions) {
  for (const name of [USERS, ENTRIES]) await index.ensureCollection(loadCollectionSchema(name));
  const store = createSearchStore({ index, handler: searchProjection, offsets });
  await store.init();
  return createProjector({ ...options, store: decorateStore(store) });
}
