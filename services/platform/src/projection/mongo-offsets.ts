import type { Long } from 'mongodb';

/** Where a consumer group's next offsets live, one document per group, topic and partition. */
export const projectionOffsetsCollection = 'projection_offsets';

export interface OffsetDocument {
  _id: string;
  group: string;
  topic: string;
  partition: number;
  /** The offset to resume from; read back as a number or a Long depending on its size. */
  nextOffset: Long | number;
  updatedAt: Date;
}

/** Topic names hold no '/', so group/topic/partition names one partition of one group unambiguously. */
export function offsetDocumentId(group: string, topic: string, partition: number): string {
  return `${group}/${topic}/${partition}`;
}

/**
 * The field of a projected document holding the last offset applied from one source partition.
 * Topic names contain dots, which MongoDB reads as paths: '%' and '.' are escaped, so two sources
 * never share a field.
 */
export function positionField(topic: string, partition: number): string {
  return `_positions.${topic.replaceAll('%', '%25').replaceAll('.', '%2E')}:${partition}`;
}
