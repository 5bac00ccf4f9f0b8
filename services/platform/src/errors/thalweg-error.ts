import { errorCodes, type ErrorCode } from './codes.ts';

/** One wrong field of a request or payload, named by its path (`amount.minor`, `body.currency`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ThalwegErrorOptions {
  cause?: unknown;
  /** Overrides the code's default: a store timeout is retriable, a constraint violation is not. */
  retriable?: boolean;
  /** Fields at fault, for validation errors. */
  fields?: FieldProblem[];
  /** Extra members for the problem document and logs. */
  details?: Record<string, unknown>;
}

/** The base of every error Thalweg throws on purpose. */
export class ThalwegError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly status: number;
  readonly fields: FieldProblem[];
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ThalwegErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThalwegError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.retriable = options.retriable ?? errorCodes[code].retriable;
    this.fields = options.fields ?? [];
    this.details = options.details ?? {};
  }
}

export function isThalwegError(error: unknown): error is ThalwegError {
  return error instanceof ThalwegError;
}

/** A validation error naming the first field at fault in its message and all of them in `fields`. */
export function validationError(fields: FieldProblem[], cause?: unknown): ThalwegError {
  const [first] = fields;
  const summary = first ? `${first.field}: ${first.message}` : 'invalid input';
  return new ThalwegError('THALWEG_VALIDATION_FAILED', summary, { fields, cause });
}
