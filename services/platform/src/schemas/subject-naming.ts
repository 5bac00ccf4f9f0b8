/**
 * The registry subject of an event type on a topic (TopicRecordNameStrategy): a topic carries
 * one aggregate's event types, so each (topic, record) pair evolves on its own.
 */
export function subjectFor(topic: string, recordFullName: string): string {
  if (!topic || !recordFullName) throw new Error('subjectFor: topic and record full name are required');
  return `${topic}-${recordFullName}`;
}
