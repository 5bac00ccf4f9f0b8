/** The Kafka error type of a failure (`PRODUCER_FENCED`, `TOPIC_AUTHORIZATION_FAILED`), looking through KafkaJS's wrappers. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let current = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined; current; ) {
    if (current.type) return current.type;
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return undefined;
}
