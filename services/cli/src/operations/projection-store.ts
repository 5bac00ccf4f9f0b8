import { databaseSettings, mongoSettings } from '@thalweg/platform/config';
import { searchSettings } from '@thalweg/platform/search';
import type { ProjectionStoreKind } from '@thalweg/platform/topics';
import type { SettingReader } from './setting-reader.ts';

/** Where one projection's offsets are read from, resolved from the variables its service reads. */
export type ProjectionStore =
  | {
      backend: 'postgres' | 'mongodb';
      url: string;
      variables: string;
      /** PostgreSQL: the live generation's schema (default public). */
      schema?: string;
      /** MongoDB: the live generation's database (default the URL's). */
      database?: string;
    }
  | {
      backend: 'typesense';
      url: string;
      apiKey: string;
      variables: string;
      /** The live generation's offsets collection (default `projection_offsets`, generation 0's). */
      collection?: string;
    };

export function projectionStore(kind: ProjectionStoreKind, read: SettingReader, env: NodeJS.ProcessEnv): ProjectionStore {
  switch (kind) {
    case 'postgres':
      return { backend: 'postgres', url: read(databaseSettings.databaseUrl), variables: databaseSettings.databaseUrl.variable };
    case 'mongodb':
      return { backend: 'mongodb', url: read(mongoSettings.mongodbUrl), variables: mongoSettings.mongodbUrl.variable };
    case 'search': {
      // The choice projector-search makes, so the CLI reads the index the projector writes; the
      // variables are named because the backend's default differs between runtimes.
      const backend = read(searchSettings.searchBackend);
      const choice = `${searchSettings.searchBackend.variable}${env[searchSettings.searchBackend.variable] === undefined ? ` unset: ${backend}` : `=${backend}`}`;
      return backend === 'typesense'
        ? { backend, url: read(searchSettings.typesenseUrl), apiKey: read(searchSettings.typesenseApiKey), variables: `${choice}, ${searchSettings.typesenseUrl.variable}` }
        : { backend, url: read(searchSettings.searchDatabaseUrl), variables: `${choice}, ${searchSettings.searchDatabaseUrl.variable}` };
    }
  }
}
