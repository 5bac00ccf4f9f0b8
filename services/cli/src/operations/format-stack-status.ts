import { readinessText } from './format-readiness.ts';
import type { StackStatus } from './stack-status.ts';
import { textTable } from './text-table.ts';

/** The one screen of `thalweg status`: components, services, consumer group lag. */
export function formatStackStatus(status: StackStatus): string[] {
  const components = textTable(
    ['COMPONENT', 'STATE', 'ENDPOINT', 'DETAIL'],
    status.components.map((component) => [component.component, component.state, component.endpoint, component.detail]),
  );
  const services = textTable(
    ['SERVICE', 'INSTANCE', 'READINESS', 'FROM'],
    status.services.flatMap((service) =>
      service.instances.length === 0
        ? [[service.service, '-', 'no instance known', service.source]]
        : service.instances.map((instance) => [service.service, instance.url, readinessText(instance), service.source.startsWith('default') ? 'default port' : service.source]),
    ),
  );
  const groups = textTable(
    ['GROUP', 'TOPIC', 'LAG', 'PER PARTITION (partition:lag)'],
    status.groups.flatMap((group) =>
      group.topics.map((topic) => [group.group, topic.topic, topic.lag === null ? '-' : String(topic.lag), topic.error ?? topic.partitions.map((partition) => `${partition.partition}:${partition.lag}`).join(' ')]),
    ),
  );
  return [`Thalweg status at ${status.at}: ${status.healthy ? 'all up and ready' : 'NOT all up and ready'}`, '', ...components, '', ...services, '', ...groups];
}
