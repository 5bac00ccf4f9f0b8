import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Typesense server, for contract tests only: Typesense cannot run on the hosts
 * this project is built on. It answers with the request and response shapes of Typesense's
 * documented API, v27.x/28.x (typesense.org/docs/28.0/api): Collections (create, retrieve),
 * Collection Alias (upsert, retrieve), Documents ("Import documents" with action upsert or update: JSONL in, one JSON result
 * line out per document, HTTP 200 even when lines fail; "Delete by query": `{"num_deleted": n}`)
 * and Search (`found`, `hits[].document`, `hits[].text_match`, `facet_counts[].field_name/counts`,
 * `page`). It records every request so a test can assert what the adapter sent. Its filter_by
 * reader knows only the subset the adapter writes (&&-joined clauses, backtick literals, lists),
 * and compares strings under `:=` as Typesense does, as normalised tokens (case, accents and
 * symbols dropped: typesense/typesense#54); its text match is a case-insensitive substring match,
 * not Typesense's ranking.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  apiKey: string | undefined;
  contentType: string | undefined;
  body: string;
}

type Document = Record<string, unknown> & { id: string };
interface Collection {
  schema: { name: string; fields: Array<{ name: string; type: string; optional?: boolean }> };
  documents: Map<string, Document>;
}

export interface TypesenseContractServer {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  collections: Map<string, Collection>;
  aliases: Map<string, string>;
  /** Ids whose import line fails with this error, as Typesense would report its own rejection. */
  rejectOnImport: Map<string, string>;
  /** Drops the last line of the next import answer: a server that does not account for a document. */
  truncateNextImport: boolean;
  close(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

/** Splits on a separator outside backtick literals. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '`') quoted = !quoted;
    if (!quoted && text.startsWith(separator, index)) {
      parts.push(current);
      current = '';
      index += separator.length - 1;
      continue;
    }
    current += text[index];
  }
  parts.push(current);
  return parts;
}

function literal(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('`') && trimmed.endsWith('`') && trimmed.length >= 2) return trimmed.slice(1, -1);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  throw new Error(`unquoted filter value ${trimmed}`);
}

/** A string as Typesense's exact match sees it: lower case, accents and symbols dropped. */
function normalised(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') : value;
}

/** A predicate for the filter_by subset the adapter writes; anything else is a 400, as Typesense would answer. */
function filterPredicate(filterBy: string | null): (document: Document) => boolean {
  if (!filterBy) return () => true;
  const clauses = splitOutside(filterBy, '&&').map((clause) => {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*):(=|!=|>=|<=|>|<)?([\s\S]*)$/.exec(clause);
    if (!match) throw new Error(`Could not parse the filter query: ${clause}`);
    const [, field, operator = '=', raw] = match as unknown as [string, string, string | undefined, string];
    const list = raw.trim().startsWith('[') && raw.trim().endsWith(']');
    const values = list ? splitOutside(raw.trim().slice(1, -1), ',').map(literal) : [literal(raw)];
    const matchable = values.map(normalised);
    return (document: Document) => {
      const value = document[field!] as never;
      switch (operator) {
        case '=': return matchable.includes(normalised(value));
        case '!=': return !matchable.includes(normalised(value));
        case '>': return value > (values[0] as never);
        case '>=': return value >= (values[0] as never);
        case '<': return value < (values[0] as never);
        default: return value <= (values[0] as never);
      }
    };
  });
  return (document) => clauses.every((clause) => clause(document));
}

/**
 * One import line under `action`: `upsert` stores the whole document; `update` merges the line's
 * fields into the stored document and fails with 404 when there is none (Documents, "Import
 * documents", action modes).
 */
function importLine(collection: Collection, line: string, reject: Map<string, string>, action: string): Record<string, unknown> {
  let document: Document;
  try {
    document = JSON.parse(line) as Document;
  } catch {
    return { success: false, error: 'Bad JSON.', document: line, code: 400 };
  }
  if (action === 'update') {
    const stored = collection.documents.get(document.id);
    if (!stored) return { success: false, error: `Could not find a document with id: ${document.id}`, document: line, code: 404 };
    const rejected = reject.get(document.id);
    if (rejected) return { success: false, error: rejected, document: line, code: 400 };
    collection.documents.set(document.id, { ...stored, ...document });
    return { success: true };
  }
  const missing = collection.schema.fields.find((field) => !field.optional && document[field.name] === undefined);
  if (missing) return { success: false, error: `Field \`${missing.name}\` has been declared in the schema, but is not found in the document.`, document: line, code: 400 };
  const rejection = reject.get(document.id);
  if (rejection) return { success: false, error: rejection, document: line, code: 400 };
  collection.documents.set(document.id, document);
  return { success: true };
}

function search(collection: Collection, query: URLSearchParams) {
  const q = (query.get('q') ?? '*').toLowerCase();
  const queryBy = (query.get('query_by') ?? '').split(',').filter(Boolean);
  const matches = [...collection.documents.values()]
    .filter(filterPredicate(query.get('filter_by')))
    .filter((document) => q === '*' || queryBy.some((field) => String(document[field] ?? '').toLowerCase().includes(q)));
  const [sortField, direction] = (query.get('sort_by') ?? '').split(':');
  if (sortField) matches.sort((a, b) => ((a[sortField] as number) - (b[sortField] as number)) * (direction === 'desc' ? -1 : 1));
  const page = Number(query.get('page') ?? 1);
  const perPage = Number(query.get('per_page') ?? 10);
  const facetCounts = (query.get('facet_by') ?? '').split(',').filter(Boolean).map((field) => {
    const counts = new Map<string, number>();
    for (const document of matches) counts.set(String(document[field]), (counts.get(String(document[field])) ?? 0) + 1);
    return {
      field_name: field,
      sampled: false,
      stats: { total_values: counts.size },
      counts: [...counts].sort((a, b) => b[1] - a[1]).map(([value, count]) => ({ count, highlighted: value, value })),
    };
  });
  return {
    facet_counts: facetCounts,
    found: matches.length,
    out_of: collection.documents.size,
    page,
    request_params: { collection_name: collection.schema.name, per_page: perPage, q: query.get('q') },
    search_time_ms: 0,
    hits: matches.slice((page - 1) * perPage, page * perPage).map((document) => ({ document, highlights: [], text_match: 578730123365187705 })),
  };
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startTypesenseContractServer({ apiKey = 'contract-test-key' } = {}): Promise<TypesenseContractServer> {
  const state = {
    requests: [] as RecordedRequest[],
    collections: new Map<string, Collection>(),
    aliases: new Map<string, string>(),
    rejectOnImport: new Map<string, string>(),
    truncateNextImport: false,
  };
  const resolve = (name: string) => state.collections.get(state.aliases.get(name) ?? name);

  function route(request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest): void {
    if (recorded.apiKey !== apiKey) return json(response, 401, { message: 'Forbidden - a valid `x-typesense-api-key` header must be sent.' });
    const segments = recorded.path.split('/').filter(Boolean).map(decodeURIComponent);
    const method = request.method;
    if (segments[0] === 'aliases' && segments.length === 2) {
      if (method === 'PUT') {
        const { collection_name } = JSON.parse(recorded.body) as { collection_name: string };
        state.aliases.set(segments[1]!, collection_name);
        return json(response, 200, { name: segments[1], collection_name });
      }
      const target = state.aliases.get(segments[1]!);
      return target ? json(response, 200, { name: segments[1], collection_name: target }) : json(response, 404, { message: 'Not Found' });
    }
    if (segments[0] !== 'collections') return json(response, 404, { message: 'Not Found' });
    if (segments.length === 1 && method === 'POST') {
      const schema = JSON.parse(recorded.body) as Collection['schema'];
      if (state.collections.has(schema.name)) return json(response, 409, { message: `A collection with name \`${schema.name}\` already exists.` });
      state.collections.set(schema.name, { schema, documents: new Map() });
      return json(response, 201, { ...schema, created_at: 1_700_000_000, num_documents: 0 });
    }
    const collection = resolve(segments[1] ?? '');
    if (!collection) return json(response, 404, { message: 'Not Found' });
    if (segments.length === 2) return json(response, 200, { ...collection.schema, num_documents: collection.documents.size });
    const operation = segments.slice(2).join('/');
    if (operation === 'documents/import' && method === 'POST') {
      const action = recorded.query.get('action') ?? 'create';
      if (action !== 'upsert' && action !== 'update') return json(response, 400, { message: 'this stand-in knows action=upsert and action=update only' });
      const lines = recorded.body.split('\n').map((line) => JSON.stringify(importLine(collection, line, state.rejectOnImport, action)));
      if (state.truncateNextImport) {
        state.truncateNextImport = false;
        lines.pop();
      }
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void response.end(lines.join('\n'));
    }
    if (operation === 'documents/search' && method === 'GET') {
      try {
        return json(response, 200, search(collection, recorded.query));
      } catch (error) {
        return json(response, 400, { message: (error as Error).message });
      }
    }
    if (operation === 'documents' && method === 'DELETE') {
      const matches = [...collection.documents.values()].filter(filterPredicate(recorded.query.get('filter_by')));
      for (const document of matches) collection.documents.delete(document.id);
      return json(response, 200, { num_deleted: matches.length });
    }
    return json(response, 404, { message: 'Not Found' });
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        apiKey: request.headers['x-typesense-api-key'] as string | undefined,
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(recorded);
      route(request, response, recorded);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  });
}
