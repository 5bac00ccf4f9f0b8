import { changelogTopicsFor } from './changelog-topics.ts';
import { deadLetterTopicsFor } from './dead-letter-topics.ts';
import type { DesiredTopic } from './derived-topic.ts';
import { retryTopicsFor } from './retry-topics.ts';
import type { TopicSpec } from './topic-spec.ts';

/** Every topic the specs manage: each declared topic, then its dead letter topics, its retry topics, its changelog topics. */
export function desiredTopics(specs: Iterable<TopicSpec>): DesiredTopic[] {
  const topics: DesiredTopic[] = [];
  for (const spec of specs) {
    topics.push({ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { ...spec.configs } });
    topics.push(...deadLetterTopicsFor(spec), ...retryTopicsFor(spec), ...changelogTopicsFor(spec));
  }
  return topics;
}
