import type { ErrorRequestHandler, Request, Response } from 'express';
import { ThalwegError, errorCodes, isThalwegError } from '../errors/index.ts';
import type { Logger } from '../telemetry/index.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem document; `type` is a stable URI naming the error code. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export function problemType(code: string): string {
  return `https://thalweg.dev/problems/${code.toLowerCase().replace(/^thalweg_/, '').replaceAll('_', '-')}`;
}

export function toProblem(error: ThalwegError, instance?: string): ProblemDocument {
  const problem: ProblemDocument = {
    type: problemType(error.code),
    title: errorCodes[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
  };
  if (instance) problem.instance = instance;
  if (error.fields.length > 0) problem.errors = error.fields;
  // Members of the problem's own kind (RFC 9457 extensions), e.g. the command a rejection is about.
  const extensions = error.details.problem as Record<string, unknown> | undefined;
  return extensions ? { ...extensions, ...problem } : problem;
}

export function sendProblem(response: Response, error: ThalwegError, request?: Request): void {
  const headers = (error.details.headers ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(toProblem(error, request?.originalUrl)));
}

/** Body-parser failures are the client's: malformed JSON, wrong content type, too large. */
function fromParserError(error: { type?: string; status?: number; message: string }): ThalwegError | undefined {
  if (error.type === 'entity.parse.failed') return new ThalwegError('THALWEG_VALIDATION_FAILED', 'body: malformed JSON', { fields: [{ field: 'body', message: 'is not valid JSON' }] });
  if (error.type === 'entity.too.large') return new ThalwegError('THALWEG_PAYLOAD_TOO_LARGE', 'body: too large', { fields: [{ field: 'body', message: 'exceeds the size limit' }] });
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return new ThalwegError('THALWEG_VALIDATION_FAILED', `body: ${error.message}`, { fields: [{ field: 'body', message: error.message }] });
  }
  return undefined;
}

/** The one error middleware: every error becomes problem+json; only server faults are logged. */
export function problemDetailsMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = isThalwegError(error) ? error : fromParserError(error);
    const thalwegError = known ?? new ThalwegError('THALWEG_INTERNAL', 'internal error', { cause: error });
    if (thalwegError.status >= 500) logger.error('request failed', { method: request.method, path: request.originalUrl, error: known ? error : thalwegError.cause ?? error });
    if (response.headersSent) return;
    sendProblem(response, thalwegError, request);
  };
}

export function notFoundHandler(request: Request, response: Response): void {
  sendProblem(response, new ThalwegError('THALWEG_NOT_FOUND', `no route for ${request.method} ${request.path}`), request);
}
