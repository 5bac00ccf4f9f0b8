import kafkajs from 'kafkajs';
import type { Admin, ConfigEntries } from 'kafkajs';
import { ThalwegError } from '../errors/index.ts';
import { readAcls } from './cluster-acls.ts';
import { kafkaAdminError } from './kafka-admin-error.ts';
import type { ClusterState, CurrentConfig, ExistingTopic } from './plan-types.ts';

const { ConfigResourceTypes, ConfigSource } = kafkajs;

function currentConfig(entry: ConfigEntries): CurrentConfig {
  const override = entry.configSource === ConfigSource.TOPIC_CONFIG;
  // Synonyms list the sources in precedence order; the first one below the topic is the fallback.
  const fallback = (entry.configSynonyms ?? []).find((synonym) => synonym.configSource !== ConfigSource.TOPIC_CONFIG);
  return { value: entry.configValue, override, ...(fallback ? { inherited: fallback.configValue } : {}) };
}

/** Reads what the plan needs from the cluster: brokers, all topic names, details of `names` that exist, and the ACLs. */
export async function readClusterState({ admin, names }: { admin: Admin; names: string[] }): Promise<ClusterState> {
  try {
    const [{ brokers }, topicNames, acls] = await Promise.all([admin.describeCluster(), admin.listTopics(), readAcls(admin)]);
    if (brokers.length === 0) throw new ThalwegError('THALWEG_KAFKA_UNAVAILABLE', 'the cluster reports no brokers');
    const present = names.filter((name) => topicNames.includes(name));
    const topics: Record<string, ExistingTopic> = {};
    if (present.length > 0) {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present });
      const { resources } = await admin.describeConfigs({
        includeSynonyms: true,
        resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      });
      for (const topic of metadata) {
        const partitions = [...topic.partitions].sort((a, b) => a.partitionId - b.partitionId);
        const resource = resources.find((candidate) => candidate.resourceName === topic.name);
        const configs: Record<string, CurrentConfig> = {};
        for (const entry of resource?.configEntries ?? []) configs[entry.configName] = currentConfig(entry);
        topics[topic.name] = {
          name: topic.name,
          partitions: partitions.length,
          replicationFactor: partitions[0]?.replicas.length ?? 0,
          assignments: partitions.map((partition) => [...partition.replicas]),
          configs,
        };
      }
    }
    return { brokers: brokers.map((broker) => broker.nodeId).sort((a, b) => a - b), topicNames: [...topicNames].sort(), topics, ...(acls ? { acls } : {}) };
  } catch (error) {
    throw kafkaAdminError(error, 'reading the cluster state');
  }
}
