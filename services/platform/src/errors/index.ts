export { errorCodes } from './codes.ts';
export type { ErrorCode } from './codes.ts';
export { ThalwegError, isThalwegError, validationError } from './thalweg-error.ts';
export type { FieldProblem, ThalwegErrorOptions } from './thalweg-error.ts';
export { storeUnavailable, storeCall } from './store-unavailable.ts';
