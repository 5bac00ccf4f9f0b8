import { topicConfigRules, type DesiredTopic } from '@thalweg/platform/topics';
import type { JsonObject } from './json-document.ts';

/** The Kafka bindings version the document uses (the newest @asyncapi/specs knows). */
export const kafkaBindingVersion = '0.5.0';

/** A config value as the binding types it: Thalweg's specs hold Kafka's strings. */
function typedConfig(key: string, value: string): unknown {
  const rule = topicConfigRules[key];
  if (rule?.kind === 'policy') return value.split(',');
  if (rule?.kind === 'integer' || rule?.kind === 'number') return Number(value);
  if (rule?.kind === 'boolean') return value === 'true';
  return value;
}

/**
 * A topic as a Kafka channel binding: partitions, the production replication factor (capped on
 * smaller clusters by `topics plan`) and every config the spec or its derivation sets.
 */
export function channelBinding(topic: DesiredTopic): JsonObject {
  const topicConfiguration: JsonObject = {};
  for (const key of Object.keys(topic.configs).sort()) topicConfiguration[key] = typedConfig(key, topic.configs[key]!);
  return { kafka: { partitions: topic.partitions, replicas: topic.replicationFactor, topicConfiguration, bindingVersion: kafkaBindingVersion } };
}

/** The words after "keyed by" in a spec's description, if it says. */
function keyedBy(description: string): string | undefined {
  return /keyed by ([^;]+?)\.?(?:;|$)/.exec(description)?.[1];
}

/**
 * The message key of a topic's events: the aggregate id (as `ce_subject`), UTF-8, which the
 * producer's murmur2 partitioner turns into the partition, so one aggregate's events stay in order.
 */
export function eventKey(description: string): JsonObject {
  const by = keyedBy(description);
  return {
    type: 'string',
    description: `The aggregate id, UTF-8, the same value as ce_subject${by ? `: keyed by ${by}` : ''}. The partition is murmur2 of it, so an aggregate's events keep their order.`,
  };
}

/** The message binding of an Avro event: its key, and where the Confluent wire format puts the schema id. */
export function eventMessageBinding(key: JsonObject, subject: string): JsonObject {
  return {
    kafka: {
      key,
      schemaIdLocation: 'payload',
      schemaIdPayloadEncoding: 'confluent',
      schemaLookupStrategy: 'TopicRecordNameStrategy',
      bindingVersion: kafkaBindingVersion,
      'x-thalweg-subject': subject,
    },
  };
}
