export { createKafka } from './client.ts';
export type { KafkaClientOptions } from './client.ts';
