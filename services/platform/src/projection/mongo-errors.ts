import { BSON, MongoInvalidArgumentError } from 'mongodb';

/** E11000: a unique index refused the write. On a guarded upsert it may mean "already applied". */
const DUPLICATE_KEY = 11000;

// Server codes that describe the write, not the server: the same event fails the same way again.
const PERMANENT_CODES = new Set([
  2, // BadValue ($push to a field that is not an array, ...)
  9, // FailedToParse
  14, // TypeMismatch ($inc on a string, ...)
  28, // PathNotViable
  40, // ConflictingUpdateOperators
  52, // DollarPrefixedFieldName
  56, // EmptyFieldName
  57, // DottedFieldName
  66, // ImmutableField
  121, // DocumentValidationFailure
  10334, // BSONObjectTooLarge
]);

/**
 * True when a MongoDB error is the event's fault (a malformed update, a value of the wrong type)
 * rather than the store's: those are rejected and dead-lettered; anything else (connection refused,
 * timeouts, not primary, an unknown code) is retried.
 */
export function isPermanentMongoError(error: unknown): boolean {
  // Thrown by the driver before anything is sent: the document itself cannot be written.
  if (error instanceof BSON.BSONError || error instanceof MongoInvalidArgumentError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && PERMANENT_CODES.has(code);
}

export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}
