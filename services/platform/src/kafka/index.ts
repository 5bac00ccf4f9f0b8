export { createKafka } from './client.ts';
export type { KafkaClientOptions } from './client.ts';
export { kafkaSasl } from './sasl-settings.ts';
export type { KafkaSasl, SaslMechanismName } from './sasl-settings.ts';
export { kafkaErrorType } from './kafka-error-type.ts';
export { serialTopicOffsets } from './topic-offsets.ts';
export type { PartitionOffsets } from './topic-offsets.ts';
export { fetchedOffset } from './fetched-offset.ts';
