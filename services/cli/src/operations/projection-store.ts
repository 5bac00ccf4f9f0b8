import { databaseSettings, mongoSettings } from '@thalweg/platform/config';
import { searchSettings } from '@thalweg/platform/search';
import type { ProjectionStoreKind } from '@thalweg/platform/topics';
import type { SettingReader } from './setting-reader.ts';

/** Where one projection's offsets are read from, resolved from the variables its service reads. */
export type ProjectionStore =
  | { backend: 'postgres'; url: string; variable: string }
  | { backend: 'mongodb'; url: string; variable: string }
  | { backend: 'typesense'; url: string; variable: string };

export function projectionStore(kind: ProjectionStoreKind, read: SettingReader): ProjectionStore {
  switch (kind) {
    case 'postgres':
      return { backend: 'postgres', url: read(databaseSettings.databaseUrl), variable: databaseSettings.databaseUrl.variable };
    case 'mongodb':
      return { backend: 'mongodb', url: read(mongoSettings.mongodbUrl), variable: mongoSettings.mongodbUrl.variable };
    case 'search':
      // The same choice projector-search makes, so the CLI reads the index the projector writes.
      return read(searchSettings.searchBackend) === 'typesense'
        ? { backend: 'typesense', url: read(searchSettings.typesenseUrl), variable: searchSettings.typesenseUrl.variable }
        : { backend: 'postgres', url: read(searchSettings.searchDatabaseUrl), variable: searchSettings.searchDatabaseUrl.variable };
  }
}
