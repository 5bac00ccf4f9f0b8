export { createServiceApp, listen } from './service-app.ts';
export type { ServiceAppOptions, ReadinessCheck } from './service-app.ts';
export { problemDetailsMiddleware, notFoundHandler, sendProblem, toProblem, problemType, PROBLEM_CONTENT_TYPE } from './problem-details.ts';
export type { ProblemDocument } from './problem-details.ts';
export { parseFields } from './body-validation.ts';
export type { FieldRule } from './body-validation.ts';
export { createIdempotency } from './idempotency.ts';
export type { Idempotency, IdempotentResponse } from './idempotency.ts';
export { problemOpenapiComponents, problemResponse } from './openapi-problem.ts';
