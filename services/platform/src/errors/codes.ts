/**
 * The closed set of Thalweg error codes. Every code is documented in docs/errors.md
 * (a test keeps the two in step). `status` is the HTTP status an API answers with;
 * `retriable` tells a consumer whether to pause and retry (true) or dead-letter (false).
 */
export const errorCodes = {
  THALWEG_CONFIG_INVALID: { status: 500, retriable: false, title: 'Invalid configuration' },
  THALWEG_VALIDATION_FAILED: { status: 400, retriable: false, title: 'Validation failed' },
  THALWEG_UNAUTHENTICATED: { status: 401, retriable: false, title: 'Authentication required' },
  THALWEG_FORBIDDEN: { status: 403, retriable: false, title: 'Forbidden' },
  THALWEG_RATE_LIMITED: { status: 429, retriable: true, title: 'Too many requests' },
  THALWEG_NOT_FOUND: { status: 404, retriable: false, title: 'Not found' },
  THALWEG_CONFLICT: { status: 409, retriable: false, title: 'Conflict' },
  THALWEG_IDEMPOTENCY_KEY_REUSED: { status: 422, retriable: false, title: 'Idempotency key reused with a different request' },
  THALWEG_IDEMPOTENCY_IN_PROGRESS: { status: 409, retriable: true, title: 'A request with this idempotency key is in progress' },
  THALWEG_CONSISTENCY_TOKEN_INVALID: { status: 400, retriable: false, title: 'Invalid consistency token' },
  THALWEG_CONSISTENCY_NOT_REACHED: { status: 503, retriable: true, title: 'Projection has not caught up with the consistency token' },
  THALWEG_SCHEMA_NOT_FOUND: { status: 500, retriable: false, title: 'Schema not found' },
  THALWEG_SCHEMA_INCOMPATIBLE: { status: 500, retriable: false, title: 'Schema change is not compatible' },
  THALWEG_SCHEMA_INVALID: { status: 500, retriable: false, title: 'Schema is invalid' },
  THALWEG_REGISTRY_UNAVAILABLE: { status: 503, retriable: true, title: 'Schema registry unavailable' },
  THALWEG_TOPIC_UNKNOWN: { status: 500, retriable: false, title: 'Topic not declared' },
  THALWEG_TOPIC_EVENT_NOT_ALLOWED: { status: 500, retriable: false, title: 'Event type not allowed on topic' },
  THALWEG_TOPIC_SPEC_INVALID: { status: 500, retriable: false, title: 'Topic specification is invalid' },
  THALWEG_TOPIC_CHANGE_DESTRUCTIVE: { status: 500, retriable: false, title: 'Destructive topic change refused' },
  THALWEG_KAFKA_UNAVAILABLE: { status: 503, retriable: true, title: 'Kafka unavailable' },
  THALWEG_EVENT_UNDECODABLE: { status: 500, retriable: false, title: 'Event cannot be decoded' },
  THALWEG_EVENT_REJECTED: { status: 500, retriable: false, title: 'Event rejected by its handler' },
  THALWEG_POLICY_UNAVAILABLE: { status: 503, retriable: true, title: 'Policy decision unavailable' },
  THALWEG_IDENTITY_UNAVAILABLE: { status: 503, retriable: true, title: 'Identity provider unavailable' },
  THALWEG_STORE_UNAVAILABLE: { status: 503, retriable: true, title: 'Store unavailable' },
  THALWEG_WALLET_EXISTS: { status: 422, retriable: false, title: 'Wallet already exists' },
  THALWEG_WALLET_UNKNOWN: { status: 422, retriable: false, title: 'Wallet unknown' },
  THALWEG_INSUFFICIENT_FUNDS: { status: 422, retriable: false, title: 'Insufficient funds' },
  THALWEG_CURRENCY_MISMATCH: { status: 422, retriable: false, title: 'Currency mismatch' },
  THALWEG_AMOUNT_INVALID: { status: 422, retriable: false, title: 'Amount invalid' },
  THALWEG_TRANSFER_INVALID: { status: 422, retriable: false, title: 'Transfer invalid' },
  THALWEG_COMMAND_REJECTED: { status: 422, retriable: false, title: 'Command rejected' },
  THALWEG_PROJECTION_GAP: { status: 500, retriable: true, title: 'Batch begins past the projection\'s stored offset' },
  THALWEG_PROJECTION_HISTORY_LOST: { status: 500, retriable: false, title: 'Events the projection has not applied are gone from the topic' },
  THALWEG_PROCESSOR_FENCED: { status: 503, retriable: false, title: 'Another processor instance took over the partition' },
  THALWEG_STATE_CORRUPT: { status: 500, retriable: false, title: 'Processor changelog unreadable' },
  THALWEG_STATE_LOST: { status: 500, retriable: false, title: 'Processor state missing for decided input' },
  THALWEG_DLQ_RETRY_UNREAD: { status: 500, retriable: false, title: 'No consumer of the group reads its retry topic' },
  THALWEG_INTERNAL: { status: 500, retriable: false, title: 'Internal error' },
} as const satisfies Record<string, { status: number; retriable: boolean; title: string }>;

export type ErrorCode = keyof typeof errorCodes;
