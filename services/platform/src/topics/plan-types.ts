import type { DerivedFrom } from './derived-topic.ts';

/** What `topics plan` found on the cluster and what `topics apply` does about it. */

/** One config of an existing topic as the cluster reports it. */
export interface CurrentConfig {
  value: string;
  /** Set on the topic itself; false when it comes from the broker or Kafka's default. */
  override: boolean;
  /** The value the topic falls back to without its override, when the broker says. */
  inherited?: string;
}

export interface ExistingTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Replica broker ids per partition id. */
  assignments: number[][];
  configs: Record<string, CurrentConfig>;
}

export interface ClusterState {
  /** Broker ids. */
  brokers: number[];
  /** Every topic name on the cluster. */
  topicNames: string[];
  /** Details of the topics the plan looks at. */
  topics: Record<string, ExistingTopic>;
  /** The cluster's topic, group and transactional id ACLs; undefined when the brokers run no authorizer. */
  acls?: AclBinding[];
}

/** What an ACL applies to, in Kafka's terms. */
export interface AclResource {
  resourceType: 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
  /** PREFIXED matches every name that starts with `resourceName`. */
  patternType: 'LITERAL' | 'PREFIXED';
  resourceName: string;
}

/** One ACL: `permission` for `principal` (User:<name>) to do `operation` on the resource. */
export interface AclBinding extends AclResource {
  principal: string;
  host: string;
  /** Kafka's operation name: READ, WRITE, DESCRIBE, ALL, … */
  operation: string;
  permission: 'ALLOW' | 'DENY';
}

/** The ACLs the specs ask for and the resources they name (whose other ALLOW ACLs are revoked). */
export interface DesiredAcls {
  bindings: AclBinding[];
  resources: AclResource[];
  /** Overlaps worth knowing, e.g. one group name prefixing another. */
  notes: string[];
}

export interface AclChange {
  kind: 'grant' | 'revoke';
  binding: AclBinding;
}

export interface ConfigChange {
  key: string;
  /** Current value; undefined when the cluster does not report it. */
  from?: string;
  /** Declared value; undefined when the override is removed (falls back to `inherited`). */
  to?: string;
  inherited?: string;
  /** Why the change loses data, when it does. */
  destructiveReason?: string;
}

interface ActionBase {
  topic: string;
  /** Set when the topic is a derived dead letter topic. */
  deadLetterOf?: DerivedFrom;
  /** Set when the topic is a derived changelog topic. */
  changelogOf?: DerivedFrom;
  /** Set when the topic is a derived retry topic. */
  retryOf?: DerivedFrom;
  /** Loses data or moves replicas: applied only when the topic is named. */
  destructive: boolean;
  /** Not destructive, or destructive and named by `allowDestructive`. */
  allowed: boolean;
}

export interface CreateTopicAction extends ActionBase {
  kind: 'create-topic';
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface AddPartitionsAction extends ActionBase {
  kind: 'add-partitions';
  from: number;
  to: number;
}

export interface UpdateConfigsAction extends ActionBase {
  kind: 'update-configs';
  changes: ConfigChange[];
  /** The whole config set to send: alterConfigs replaces a topic's overrides wholesale. */
  configs: Record<string, string>;
}

export interface ChangeReplicationAction extends ActionBase {
  kind: 'change-replication-factor';
  from: number;
  to: number;
  /** New replica broker ids per partition id. */
  assignments: number[][];
}

export interface ReplaceTopicAction extends ActionBase {
  kind: 'replace-topic';
  reasons: string[];
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface DeleteTopicAction extends ActionBase {
  kind: 'delete-topic';
}

export type PlanAction = CreateTopicAction | AddPartitionsAction | UpdateConfigsAction | ChangeReplicationAction | ReplaceTopicAction | DeleteTopicAction;

export interface TopicPlan {
  brokerCount: number;
  actions: PlanAction[];
  /** ACLs granted and revoked so the cluster's match the specs' producers and consumers. */
  acls: AclChange[];
  /** Capped replication, orphan dead letter and changelog topics, names that matched nothing. */
  notes: string[];
}
