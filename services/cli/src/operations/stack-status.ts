import type { KafkaSasl } from '@thalweg/platform/kafka';
import type { TopicSpecs } from '@thalweg/platform/topics';
import { errorText } from './error-text.ts';
import { declaredGroups, readGroupLags, type GroupLag } from './group-lag.ts';
import { connectKafkaAdmin } from './kafka-connection.ts';
import { serviceCatalogue, serviceReadiness, type ServiceReadiness } from './service-instances.ts';
import { probeComponents, type ComponentStatus } from './stack-components.ts';
import type { SettingReader } from './setting-reader.ts';

export interface StackStatus {
  /** When the probes ran (ISO 8601). */
  at: string;
  components: ComponentStatus[];
  services: ServiceReadiness[];
  groups: GroupLag[];
  /** Every component up and every service instance ready. */
  healthy: boolean;
}

/** The live brokers' node ids: a broker that is down is missing from the list, not marked. */
const brokerIds = (brokers: Array<{ nodeId: number }>) =>
  brokers
    .map((broker) => broker.nodeId)
    .sort((a, b) => a - b)
    .join(',');

async function kafkaAndLags({ brokers, sasl, specs }: { brokers: string[]; sasl: KafkaSasl | undefined; specs: TopicSpecs }): Promise<{ component: ComponentStatus; groups: GroupLag[] }> {
  const endpoint = brokers.join(',');
  const connection = await connectKafkaAdmin({ brokers, sasl });
  if (connection.state === 'unreachable') {
    return {
      component: { component: 'kafka', endpoint, state: 'down', detail: connection.error },
      groups: declaredGroups(specs).map(({ group, topics }) => ({ group, lag: null, topics: topics.map((topic) => ({ topic, lag: null, error: 'Kafka unreachable', partitions: [] })) })),
    };
  }
  try {
    const cluster = await connection.admin.describeCluster();
    const component: ComponentStatus = { component: 'kafka', endpoint, state: 'up', detail: `${cluster.brokers.length} broker(s): ${brokerIds(cluster.brokers)}; controller ${cluster.controller ?? 'none'}` };
    return { component, groups: await readGroupLags(connection.admin, specs) };
  } catch (error) {
    return { component: { component: 'kafka', endpoint, state: 'down', detail: errorText(error) }, groups: [] };
  } finally {
    await connection.close();
  }
}

/** One look at everything, every probe in parallel with a short timeout. */
export async function readStackStatus({ read, env, brokers, sasl, specs }: { read: SettingReader; env: NodeJS.ProcessEnv; brokers: string[]; sasl: KafkaSasl | undefined; specs: TopicSpecs }): Promise<StackStatus> {
  const at = new Date().toISOString();
  const [kafka, components, services] = await Promise.all([
    kafkaAndLags({ brokers, sasl, specs }),
    probeComponents(read),
    Promise.all(serviceCatalogue.map(({ service }) => serviceReadiness(service, env))),
  ]);
  const all = [kafka.component, ...components];
  const healthy = all.every((component) => component.state === 'up') && services.every((service) => service.instances.length > 0 && service.instances.every((instance) => instance.state === 'ready'));
  return { at, components: all, services, groups: kafka.groups, healthy };
}
