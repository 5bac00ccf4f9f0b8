import { isDeadLetterTopicName, type DerivedFrom } from '@thalweg/platform/topics';

/**
 * The topic and group a dead letter topic `<topic>.<group>.dlq` belongs to; undefined for any
 * other name. Group names hold no dot, so the last two segments are the group and `dlq`.
 */
export function deadLetterTopicSource(name: string): DerivedFrom | undefined {
  if (!isDeadLetterTopicName(name)) return undefined;
  const parts = name.split('.');
  if (parts.length < 3) return undefined;
  return { topic: parts.slice(0, -2).join('.'), group: parts.at(-2)! };
}
