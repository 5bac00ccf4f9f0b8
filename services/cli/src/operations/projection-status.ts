import type { Projection } from '@thalweg/platform/topics';
import { errorText } from './error-text.ts';
import type { KafkaConnection } from './kafka-connection.ts';
import { lagFrom, readCommittedOffsets, readTopicEnds, type PartitionEnd } from './kafka-offsets.ts';
import type { ProjectionStore } from './projection-store.ts';
import { serviceReadiness, type ServiceReadiness } from './service-instances.ts';
import { readStoredOffsets, type StoreReading } from './stored-offsets.ts';

export interface PartitionStatus {
  partition: number;
  /** The projection's own next offset, from its store; null where it has none (it starts from the first kept). */
  stored: number | null;
  /** Kafka's end offset (the next to be written); null when Kafka did not answer. */
  end: number | null;
  /** Records still to apply: end minus stored (minus the first kept offset when none is stored); null when unknown. */
  lag: number | null;
  /** The group's offset committed to Kafka (for lag monitoring); null where none. */
  committed: number | null;
  /** When the store last moved this partition's offset; null where it keeps no time. */
  lastAppliedAt: string | null;
}

export interface TopicStatus {
  topic: string;
  /** Why Kafka's side of this topic is missing. */
  error?: string;
  partitions: PartitionStatus[];
}

export interface ProjectionStatus {
  name: string;
  service: string;
  group: string;
  store: StoreReading;
  kafka: { state: 'reachable' } | { state: 'unreachable'; error: string };
  topics: TopicStatus[];
  lag: number | null;
  readiness: ServiceReadiness;
}

interface KafkaSide {
  kafka: ProjectionStatus['kafka'];
  ends: Map<string, { partitions?: PartitionEnd[]; error?: string }>;
  committed: Map<string, Map<number, number | null>>;
}

async function readKafkaSide(connection: KafkaConnection, projection: Projection): Promise<KafkaSide> {
  if (connection.state === 'unreachable') return { kafka: { state: 'unreachable', error: connection.error }, ends: new Map(), committed: new Map() };
  try {
    const ends = await readTopicEnds(connection.admin, projection.topics);
    const present = ends.flatMap((entry) => ('partitions' in entry ? [entry.topic] : []));
    const committed = await readCommittedOffsets(connection.admin, projection.group, present);
    return { kafka: { state: 'reachable' }, ends: new Map(ends.map((entry) => [entry.topic, entry])), committed };
  } catch (error) {
    return { kafka: { state: 'unreachable', error: errorText(error) }, ends: new Map(), committed: new Map() };
  }
}

function topicStatus(topic: string, side: KafkaSide, store: StoreReading): TopicStatus {
  const stored = new Map(store.state === 'reachable' ? store.offsets.filter((offset) => offset.topic === topic).map((offset) => [offset.partition, offset]) : []);
  const ends = side.ends.get(topic);
  const committed = side.committed.get(topic) ?? new Map<number, number | null>();
  const partitionIds = [...new Set([...(ends?.partitions ?? []).map((end) => end.partition), ...stored.keys()])].sort((a, b) => a - b);
  const partitions = partitionIds.map((partition): PartitionStatus => {
    const end = ends?.partitions?.find((entry) => entry.partition === partition);
    const own = stored.get(partition);
    const groupOffset = committed.get(partition) ?? null;
    let lag: number | null = null;
    if (end && store.state === 'reachable') lag = lagFrom(end, own?.nextOffset ?? null);
    return { partition, stored: own?.nextOffset ?? null, end: end?.end ?? null, lag, committed: groupOffset, lastAppliedAt: own?.updatedAt ?? null };
  });
  const error = side.kafka.state === 'unreachable' ? `Kafka unreachable: ${side.kafka.error}` : ends?.error;
  return { topic, ...(error ? { error } : {}), partitions };
}

/**
 * One projection's position: its store's offsets, Kafka's ends and the group's commits, and its
 * instances' readiness. The store and the instances are asked in parallel with Kafka; Kafka itself
 * one call at a time (see readTopicEnds).
 */
export async function projectionStatus({
  projection,
  store,
  connection,
  env,
  timeoutMs = 3_000,
}: {
  projection: Projection;
  store: ProjectionStore;
  connection: KafkaConnection;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<ProjectionStatus> {
  const [reading, readiness, side] = await Promise.all([
    readStoredOffsets(store, { group: projection.group, topics: projection.topics, timeoutMs }),
    serviceReadiness(projection.service, env),
    readKafkaSide(connection, projection),
  ]);
  const topics = projection.topics.map((topic) => topicStatus(topic, side, reading));
  const lags = topics.flatMap((topic) => topic.partitions.map((partition) => partition.lag));
  const lag = lags.length > 0 && lags.every((value) => value !== null) ? lags.reduce<number>((sum, value) => sum + value!, 0) : null;
  return { name: projection.name, service: projection.service, group: projection.group, store: reading, kafka: side.kafka, topics, lag, readiness };
}

/** A status an operator must act on: the store or Kafka did not answer, or a topic is missing. */
export function isUnhealthy(status: ProjectionStatus): boolean {
  return status.store.state === 'unreachable' || status.kafka.state === 'unreachable' || status.topics.some((topic) => topic.error !== undefined);
}
