import { ThalwegError } from '../errors/index.ts';
import { oneOf, optionalString, string } from '../config/index.ts';

/**
 * Which search index a service uses and how to reach it; projector-search and search-api read the
 * same settings, so they always meet on the same index.
 */
export const searchSettings = {
  searchBackend: oneOf('THALWEG_SEARCH_BACKEND', ['postgres', 'typesense'] as const, {
    default: 'postgres',
    description: 'Search index: postgres (full text + trigram in PostgreSQL) or typesense (what make up and compose run)',
  }),
  searchDatabaseUrl: string('THALWEG_SEARCH_DATABASE_URL', {
    default: 'postgres://thalweg:thalweg@127.0.0.1:5432/thalweg',
    description: 'PostgreSQL holding the search collections when THALWEG_SEARCH_BACKEND=postgres',
  }),
  typesenseUrl: string('THALWEG_TYPESENSE_URL', { default: 'http://127.0.0.1:8108', description: 'Typesense base URL when THALWEG_SEARCH_BACKEND=typesense' }),
  typesenseApiKey: optionalString('THALWEG_TYPESENSE_API_KEY', { description: 'Typesense API key; required when THALWEG_SEARCH_BACKEND=typesense (no default secret)' }),
};

export interface SearchBackendSettings {
  searchBackend: 'postgres' | 'typesense';
  searchDatabaseUrl: string;
  typesenseUrl: string;
  typesenseApiKey: string;
}

/** Fails at start-up, naming the variable, when the chosen backend lacks what it needs. */
export function checkSearchSettings(settings: SearchBackendSettings): void {
  if (settings.searchBackend === 'typesense' && settings.typesenseApiKey === '') {
    throw new ThalwegError('THALWEG_CONFIG_INVALID', 'THALWEG_TYPESENSE_API_KEY: is required when THALWEG_SEARCH_BACKEND=typesense', { details: { variable: 'THALWEG_TYPESENSE_API_KEY' } });
  }
}
