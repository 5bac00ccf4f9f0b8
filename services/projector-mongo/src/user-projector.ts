import type { Db } from 'mongodb';
import { createMongoStore, createProjector, type ProjectorOptions } from '@thalweg/platform/projection';
import { userIndexes, userProjection } from './user-documents.ts';

export interface UserProjectorOptions extends Omit<ProjectorOptions, 'store'> {
  db: Db;
}

/** The user projection: one MongoDB document per user, each write guarded by the event's position. */
export async function createUserProjector({ db, ...options }: UserProjectorOptions) {
  const store = createMongoStore({ db, handler: userProjection, indexes: userIndexes });
  await store.init();
  return createProjector({ ...options, store });
}
