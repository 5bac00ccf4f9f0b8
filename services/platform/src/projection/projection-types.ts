import type { KafkaMessage } from 'kafkajs';
import type { ThalwegError } from '../errors/index.ts';
import type { EventMetadata } from '../events/index.ts';

/** One event read from Kafka and decoded with its schema. */
export interface ProjectedEvent<T = Record<string, unknown>> {
  topic: string;
  partition: number;
  /** Kafka offset, as a decimal string (offsets exceed 2^53 in principle). */
  offset: string;
  key: string | undefined;
  metadata: EventMetadata;
  schemaId: number;
  data: T;
}

/** One record of a partition batch: decoded, or failed permanently before reaching a handler. */
export type ProjectionRecord =
  | { offset: string; message: KafkaMessage; event: ProjectedEvent; failure?: undefined }
  | { offset: string; message: KafkaMessage; event?: undefined; failure: ThalwegError };

/** A record the store or the decoder could not accept; it goes to the dead letter topic. */
export interface RejectedRecord {
  offset: string;
  message: KafkaMessage;
  error: ThalwegError;
}

export interface PartitionBatch {
  group: string;
  topic: string;
  partition: number;
  records: ProjectionRecord[];
  /**
   * Where the batch was fetched from (markers before its first record included). A store refuses
   * a batch that begins past its own next offset (refuseGap): the events between would be lost.
   */
  fromOffset: string;
  /** The offset to resume from once this batch is applied (last offset + 1). */
  nextOffset: string;
  /**
   * Sends rejected records to the dead letter topic. Stores call it before they make the
   * batch's offset durable, so a crash in between can duplicate a dead letter, never lose one.
   */
  deadLetter(rejected: RejectedRecord[]): Promise<void>;
}

export interface ApplyResult {
  applied: number;
  rejected: number;
}

/**
 * Where a projection lands. `apply` is atomic per batch for transactional stores and
 * idempotent for the others; it throws a retriable ThalwegError when the store is unreachable.
 */
export interface ProjectionStore {
  /**
   * Next offsets the store has applied, per partition: where the projector resumes (a partition
   * absent from the map: from the topic's first offset). A store without this method keeps no
   * offsets (what it holds is a cache); its group resumes from Kafka's committed offsets.
   */
  readOffsets?(group: string, topic: string): Promise<Map<number, string>>;
  apply(batch: PartitionBatch): Promise<ApplyResult>;
}

/** A store that keeps its own offsets: the read model's offsets are the truth for its projector. */
export type OffsetKeepingStore = ProjectionStore & Required<Pick<ProjectionStore, 'readOffsets'>>;
