import type { TopicSpecs } from './topic-specs.ts';

/**
 * Where a projection keeps its read model and, beside it, its next offset per partition:
 * `postgres` the `projection_offsets` table of THALWEG_DATABASE_URL, `mongodb` the
 * `projection_offsets` collection of THALWEG_MONGODB_URL's database, `search` whichever index
 * THALWEG_SEARCH_BACKEND names (PostgreSQL's `projection_offsets` or Typesense).
 */
export type ProjectionStoreKind = 'postgres' | 'mongodb' | 'search';

export interface ProjectionDeclaration {
  /** The operator's name for it: `thalweg projections status ledger`. */
  name: string;
  /** The service projecting it; its consumer group unless THALWEG_CONSUMER_GROUP says otherwise. */
  service: string;
  store: ProjectionStoreKind;
  description: string;
}

/**
 * Every projection. Which topics each reads is not repeated here: it is the topics whose spec
 * lists the service's group (`consumers:`), as the projector itself subscribes.
 */
export const projectionCatalogue: readonly ProjectionDeclaration[] = [
  { name: 'ledger', service: 'projector-postgres', store: 'postgres', description: 'wallets, entries and transfers (double-entry) in PostgreSQL' },
  { name: 'identity', service: 'projector-mongo', store: 'mongodb', description: 'user profiles and KYC workflow documents in MongoDB' },
  { name: 'search', service: 'projector-search', store: 'search', description: 'the users and entries search collections' },
];

export interface Projection extends ProjectionDeclaration {
  group: string;
  /** Sorted by name; empty when no spec lists the group. */
  topics: string[];
}

/**
 * The catalogue joined with the topic specs. `groups` names a group other than the service's for
 * a projection (a service run with THALWEG_CONSUMER_GROUP, a rebuild's generation); the topics
 * stay those declared for the service, as the projector's own subscription does.
 */
export function projectionsOf(specs: TopicSpecs, { groups = {} }: { groups?: Record<string, string> } = {}): Projection[] {
  return projectionCatalogue.map((declaration) => ({
    ...declaration,
    group: groups[declaration.name] ?? declaration.service,
    topics: specs.consumedBy(declaration.service),
  }));
}
