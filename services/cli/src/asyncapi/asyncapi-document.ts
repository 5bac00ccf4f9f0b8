import { kafkaSettings } from '@thalweg/platform/config';
import { CONTENT_TYPE_AVRO } from '@thalweg/platform/events';
import type { SchemaCatalog } from '@thalweg/platform/schemas';
import { deadLetterRetentionMs, derivedFrom, desiredTopics, projectionCatalogue, type DesiredTopic, type TopicSpecs } from '@thalweg/platform/topics';
import { avroSchemaFormat, cloudEventHeadersId, derivedMessageIds, derivedMessages, eventMessage } from './asyncapi-messages.ts';
import { cloudEventHeaders } from './header-schemas.ts';
import { ref, sortedObject, type JsonObject } from './json-document.ts';
import { channelBinding, kafkaBindingVersion } from './kafka-bindings.ts';

export interface AsyncApiDocumentOptions {
  specs: TopicSpecs;
  catalog: SchemaCatalog;
  /** The document's `info.version`: the repository's version. */
  version: string;
}

/** Who writes and reads the operator's side of dead letters: `thalweg dlq`, as the operator principal. */
const operator = 'operator';

/** SASL mechanism names as the platform reads them, as AsyncAPI security scheme types. */
const saslSchemeTypes = { 'scram-sha-512': 'scramSha512', 'scram-sha-256': 'scramSha256', plain: 'plain' } as const;

/** The messages a topic carries, as channel message entries keyed by message id. */
function channelMessages(ids: string[]): Record<string, JsonObject> {
  return sortedObject(ids.map((id) => [id, ref('components', 'messages', id)]));
}

function operation(action: 'send' | 'receive', channel: string, messageIds: string[], summary: string, extra: JsonObject = {}): JsonObject {
  return {
    action,
    channel: ref('channels', channel),
    summary,
    ...extra,
    messages: [...messageIds].sort().map((id) => ref('channels', channel, 'messages', id)),
  };
}

/** Only projectors read their retry topics (and rebuild generations as `<group>-g<N>`); other groups take no replays. */
const projectors = new Set(projectionCatalogue.map((projection) => projection.service));

const groupBinding = (groupId: JsonObject) => ({ kafka: { groupId: { type: 'string', ...groupId }, bindingVersion: kafkaBindingVersion } });
/** The consumer group declared in the spec. */
const declaredGroup = (group: string) => groupBinding({ enum: [group] });

/** A derived topic's channel and operations: dead letters, replays or a stateful group's state. */
function derivedChannel(topic: DesiredTopic, channels: Array<[string, JsonObject]>, operations: Array<[string, JsonObject]>): void {
  const from = derivedFrom(topic)!;
  const of = `${from.group} on ${from.topic}`;
  const add = (messageId: string, title: string, description: string, ops: Array<[string, JsonObject]>) => {
    channels.push([topic.name, { address: topic.name, title, description, messages: channelMessages([messageId]), bindings: channelBinding(topic) }]);
    operations.push(...ops);
  };
  const id = (action: string, who: string) => `${topic.name}.${action}.${who}`;
  if (topic.deadLetterOf) {
    const ids = [derivedMessageIds.deadLetter];
    add(derivedMessageIds.deadLetter, `Dead letters of ${of}`, `Derived from topics/${from.topic}.yaml, never written by hand: what ${from.group} could never apply, kept for ${deadLetterRetentionMs / 86_400_000} days.`, [
      [id('send', from.group), operation('send', topic.name, ids, `${from.group} dead-letters a record it can never apply, and moves on.`)],
      [id('receive', operator), operation('receive', topic.name, ids, 'The operator lists, shows, replays and discards dead letters (`thalweg dlq`).')],
    ]);
  } else if (topic.retryOf) {
    const ids = [derivedMessageIds.replay];
    const reads = projectors.has(from.group);
    const description = `Derived from topics/${from.topic}.yaml, never written by hand: dead letters sent back to ${from.group}, and to no other group.${reads ? '' : ` ${from.group} is not a projector and takes no replays: \`thalweg dlq replay\` refuses to send here while it runs.`}`;
    add(derivedMessageIds.replay, `Replays for ${of}`, description, [
      [id('send', operator), operation('send', topic.name, ids, 'The operator replays dead letters (`thalweg dlq replay`).')],
      ...(reads ? [[id('receive', from.group), operation('receive', topic.name, ids, `${from.group} reads its replays beside ${from.topic}.`, { bindings: declaredGroup(from.group) })] as [string, JsonObject]] : []),
    ]);
  } else {
    const ids = [derivedMessageIds.changelog];
    add(derivedMessageIds.changelog, `State of ${of}`, `Derived from topics/${from.topic}.yaml for the stateful group ${from.group}: its state per partition (partition p of the state is partition p of the changelog), compacted.`, [
      [id('send', from.group), operation('send', topic.name, ids, `${from.group} writes its state changes in the transaction of each batch.`)],
      [
        id('receive', from.group),
        operation('receive', topic.name, ids, `${from.group} restores a partition's state when it is assigned the partition.`, {
          description: `Each instance reads the changelog in a group of its own, ${from.group}-restore-<8 hex digits>, committed records only.`,
          bindings: groupBinding({ pattern: `^${from.group}-restore-[0-9a-f]{8}$` }),
        }),
      ],
    ]);
  }
}

/**
 * The AsyncAPI 3.0.0 document of the backbone, from the topic specs and the Avro schemas: a channel
 * per topic (derived ones included), a message per event type, a send per producer and a receive
 * per consumer group. Deterministic: every map sorted, nothing from the clock or the machine.
 */
export function asyncApiDocument({ specs, catalog, version }: AsyncApiDocumentOptions): JsonObject {
  const channels: Array<[string, JsonObject]> = [];
  const operations: Array<[string, JsonObject]> = [];
  const messages: Array<[string, JsonObject]> = Object.entries(derivedMessages());
  const onTopic = new Set<string>();
  for (const topic of desiredTopics(specs.all())) {
    if (derivedFrom(topic)) {
      derivedChannel(topic, channels, operations);
      continue;
    }
    const spec = specs.get(topic.name);
    for (const fullName of spec.eventTypes) {
      messages.push([fullName, eventMessage(catalog.get(fullName), spec, catalog.root)]);
      onTopic.add(fullName);
    }
    channels.push([
      spec.name,
      { address: spec.name, title: spec.name, description: `${spec.description} Declared in topics/${spec.name}.yaml.`, messages: channelMessages(spec.eventTypes), bindings: channelBinding(topic) },
    ]);
    for (const producer of spec.producers) {
      operations.push([`${spec.name}.send.${producer}`, operation('send', spec.name, spec.eventTypes, `${producer} publishes to ${spec.name} (Kafka principal User:${producer}).`)]);
    }
    for (const consumer of spec.consumers) {
      const how = consumer.stateful
        ? ' A stateful stream processor: it decides in Kafka transactions and reads committed records only.'
        : projectors.has(consumer.group)
          ? ` A projection: a rebuild reads the topic again as ${consumer.group}-g<N> (\`thalweg projections rebuild\`).`
          : '';
      operations.push([
        `${spec.name}.receive.${consumer.group}`,
        operation('receive', spec.name, spec.eventTypes, `${consumer.group} reads ${spec.name} in its consumer group.`, {
          ...(consumer.description || how ? { description: `${consumer.description ?? ''}${how}`.trim() } : {}),
          bindings: declaredGroup(consumer.group),
        }),
      ]);
    }
  }
  // A schema no topic allows yet is still documented, so the document covers every schema.
  for (const entry of catalog.all()) {
    if (!onTopic.has(entry.fullName)) messages.push([entry.fullName, { name: entry.fullName, title: entry.name, description: 'Allowed on no topic yet.', payload: { schemaFormat: avroSchemaFormat, schema: entry.schema } }]);
  }
  const mechanism = kafkaSettings.kafkaSaslMechanism.fallback!;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Thalweg',
      version,
      description:
        'The Kafka event backbone: every domain action is an Avro event on a topic, validated by a Confluent-compatible schema registry, with its metadata in CloudEvents headers (Kafka binding, binary mode). Generated by `thalweg asyncapi` from topics/ and schemas/; do not edit.',
    },
    defaultContentType: CONTENT_TYPE_AVRO,
    servers: {
      development: {
        host: kafkaSettings.kafkaBrokers.fallback!.join(','),
        protocol: 'kafka',
        description: 'The native stack (`make up`) on its default ports: brokers with SASL over plain text, the schema registry beside them.',
        security: [ref('components', 'securitySchemes', 'sasl')],
        bindings: { kafka: { schemaRegistryUrl: kafkaSettings.registryUrl.fallback!, schemaRegistryVendor: 'confluent', bindingVersion: kafkaBindingVersion } },
      },
    },
    channels: sortedObject(channels),
    operations: sortedObject(operations),
    components: {
      messages: sortedObject(messages),
      schemas: { [cloudEventHeadersId]: cloudEventHeaders() },
      securitySchemes: {
        sasl: { type: saslSchemeTypes[mechanism], description: `SASL/${mechanism.toUpperCase()}: each service is a principal named after it; the operator is thalweg-admin.` },
      },
    },
  };
}
