import { ThalwegError } from '../errors/index.ts';

export interface RegistryResponse {
  status: number;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface RegistryRequest {
  registryUrl: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the Confluent API base, e.g. `/subjects/x/versions`. */
  path: string;
  body?: unknown;
  timeout?: number; // ms
}

/** The registry's own explanation of a refusal (`message`, Confluent `error_code`). */
export function registryMessage(body: unknown): string {
  if (body && typeof body === 'object') {
    const { message, error_code: code } = body as { message?: unknown; error_code?: unknown };
    if (typeof message === 'string') return code === undefined ? message : `${message} (error ${String(code)})`;
  }
  return typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body);
}

/**
 * One call to the Confluent-compatible REST API. Network failures and 5xx answers become
 * THALWEG_REGISTRY_UNAVAILABLE (retriable); every other status is returned for the caller to judge.
 */
export async function registryRequest({ registryUrl, method, path, body, timeout = 10_000 }: RegistryRequest): Promise<RegistryResponse> {
  const url = `${registryUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json', 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    throw new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', `schema registry at ${registryUrl} unreachable (${method} ${path}): ${(error as Error).message}`, {
      cause: error,
      details: { registryUrl, method, path },
    });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the message.
  }
  if (response.status >= 500) {
    throw new ThalwegError('THALWEG_REGISTRY_UNAVAILABLE', `schema registry failed on ${method} ${path}: ${response.status} ${registryMessage(parsed)}`, {
      details: { registryUrl, method, path, status: response.status },
    });
  }
  return { status: response.status, body: parsed };
}

/** A path segment: subjects contain dots and dashes, which are safe, but never trust input. */
export const segment = (value: string) => encodeURIComponent(value);
