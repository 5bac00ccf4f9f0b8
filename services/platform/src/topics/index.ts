export { createTopicSpecs, loadTopicSpecs } from './topic-specs.ts';
export type { LoadTopicSpecsOptions, TopicSpecs } from './topic-specs.ts';
export { parseTopicSpec, topicNamePattern } from './topic-spec.ts';
export type { ConsumerSpec, TopicSpec } from './topic-spec.ts';
export { checkTopicConfig, topicConfigRules } from './topic-configs.ts';
export { deadLetterRetentionMs, deadLetterTopicName, deadLetterTopicsFor, isDeadLetterTopicName } from './dead-letter-topics.ts';
export { changelogTopicName, changelogTopicsFor, isChangelogTopicName } from './changelog-topics.ts';
export { deadLetterTopicOf, isRetryTopicName, retryTopicName, retryTopicSource, retryTopicsFor, withRetryTopics } from './retry-topics.ts';
export { originalCoordinates, replayHeaders } from './replay-headers.ts';
export type { RecordCoordinates } from './replay-headers.ts';
export { derivedFrom } from './derived-topic.ts';
export type { DerivedFrom, DesiredTopic, SourceSpec } from './derived-topic.ts';
export { desiredTopics } from './desired-topics.ts';
export { computePlan, effectiveReplication, isNamed, namedTopicOf } from './compute-plan.ts';
export type { ComputePlanOptions } from './compute-plan.ts';
export { diffConfigs } from './config-diff.ts';
export { reassignReplicas } from './replica-assignment.ts';
export { readClusterState } from './cluster-state.ts';
export { planTopics } from './plan-topics.ts';
export type { PlanTopicsOptions } from './plan-topics.ts';
export { applyPlan } from './apply-plan.ts';
export { aclBindingKey, aclResourceKey, desiredAcls } from './desired-acls.ts';
export { computeAclChanges } from './acl-changes.ts';
export { applyAclChanges, readAcls } from './cluster-acls.ts';
export { formatAclChanges } from './format-acl-changes.ts';
export type { ApplyPlanOptions, ApplyResult } from './apply-plan.ts';
export { formatPlan } from './format-plan.ts';
export { defaultTopicsDir } from './repo-paths.ts';
export { projectionCatalogue, projectionsOf } from './projection-catalogue.ts';
export type { Projection, ProjectionDeclaration, ProjectionStoreKind } from './projection-catalogue.ts';
export type {
  AclBinding,
  AclChange,
  AclResource,
  AddPartitionsAction,
  ChangeReplicationAction,
  ClusterState,
  ConfigChange,
  CreateTopicAction,
  CurrentConfig,
  DeleteTopicAction,
  DesiredAcls,
  ExistingTopic,
  PlanAction,
  ReplaceTopicAction,
  TopicPlan,
  UpdateConfigsAction,
} from './plan-types.ts';
