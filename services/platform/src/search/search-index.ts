import type { CollectionSchema } from './collection-schema.ts';
import type { FilterExpression } from './filter-grammar.ts';

/** A document as the projectors write it: its id, its tenant and the collection's fields. */
export interface SearchDocument {
  id: string;
  tenant: string;
  [field: string]: unknown;
}

/**
 * Some fields of an existing document, by its id: the fields given change, the others keep their
 * values. A document's tenant is set when it is written whole and never moved by an update.
 */
export interface DocumentUpdate {
  id: string;
  [field: string]: unknown;
}

/** What became of one document of an upsert or update: a failed one is dead-lettered alone by the caller. */
export type UpsertOutcome = { id: string; ok: true } | { id: string; ok: false; reason: string };

export interface SortOrder {
  field: string;
  direction: 'asc' | 'desc';
}

export interface SearchQuery {
  /** Free text; empty or `*` matches every document. */
  q: string;
  /** Text fields to search; all the collection's text fields when empty. */
  queryBy?: string[];
  filter?: FilterExpression;
  /**
   * The tenants the search may see, from the policy decision and never from the client:
   * `["*"]` every tenant, `[]` nothing at all.
   */
  tenantScope: string[];
  facetBy?: string[];
  sortBy?: SortOrder;
  /** 1-based. */
  page?: number;
  perPage?: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchHit {
  document: SearchDocument;
  /** The backend's relevance, comparable only within one result. */
  score?: number;
}

export interface SearchResult {
  found: number;
  hits: SearchHit[];
  facetCounts: Record<string, FacetCount[]>;
  page: number;
}

/** The search index port; Typesense (compose) and PostgreSQL (native stack) implement it. */
export interface SearchIndex {
  /** Creates the collection if it does not exist; idempotent. */
  ensureCollection(schema: CollectionSchema): Promise<void>;
  /** Inserts or replaces documents by id, reporting each one in input order. */
  upsertDocuments(collection: string, documents: SearchDocument[]): Promise<UpsertOutcome[]>;
  /**
   * Changes the given fields of existing documents, in input order, reporting each one. An update
   * of a missing document fails alone (nothing is created from a part of a document).
   */
  updateDocuments(collection: string, updates: DocumentUpdate[]): Promise<UpsertOutcome[]>;
  /** Deletes documents by id; unknown ids are not an error. Returns how many were deleted. */
  deleteDocuments(collection: string, ids: string[]): Promise<number>;
  search(collection: string, query: SearchQuery): Promise<SearchResult>;
}
