export { createPublisher } from './publisher.ts';
export type { Publisher, PublisherOptions, PublishResult, DomainEvent, SchemaSource, TopicSource } from './publisher.ts';
export { toHeaders, fromHeaders, headerText, headerNames, CONTENT_TYPE_AVRO } from './cloud-event-headers.ts';
export type { EventMetadata } from './cloud-event-headers.ts';
export { checkPayload, assertPayload } from './payload-validation.ts';
export { uuidv7 } from './uuid-v7.ts';
export { isTraceparent, newTraceparent } from './trace-context.ts';
export { encodeConsistencyToken, decodeConsistencyToken } from './consistency-token.ts';
export type { ConsistencyPosition } from './consistency-token.ts';
