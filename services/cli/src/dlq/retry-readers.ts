import kafkajs, { type Admin } from 'kafkajs';

const { AssignerProtocol } = kafkajs;

/** Whether a group's running consumers read a topic, or none is running to say. */
export type TopicReaders = 'reading' | 'not-reading' | 'no-members';

/**
 * Asks the group coordinator which topics the group's members subscribe to. A replay written to a
 * retry topic no running member reads would wait there unseen (a processor takes no replays; a
 * projector started before its retry topic existed has not subscribed to it).
 */
export async function retryTopicReaders(admin: Admin, group: string, retryTopic: string): Promise<TopicReaders> {
  const { groups } = await admin.describeGroups([group]);
  const members = groups[0]?.members ?? [];
  if (members.length === 0) return 'no-members';
  const subscribes = members.some((member) => {
    try {
      return AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics.includes(retryTopic) === true;
    } catch {
      // A member whose subscription is not in the consumer protocol's format says nothing either way.
      return false;
    }
  });
  return subscribes ? 'reading' : 'not-reading';
}
