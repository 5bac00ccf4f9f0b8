import { ThalwegError, type FieldProblem } from '../errors/index.ts';
import { compatibilityLevels, isCompatibilityLevel, type CompatibilityLevel } from '../schemas/index.ts';
import { checkTopicConfig } from './topic-configs.ts';

/** A consumer group reading the topic; each gets its own dead letter topic. */
export interface ConsumerSpec {
  group: string;
  description?: string;
  /**
   * A stream processor that consumes, transforms and produces in Kafka transactions, keeping its
   * state per partition: it also gets a compacted changelog topic and transactional ids. Parsed
   * specs leave it out unless true, so one that does not say it equals one that says `false`.
   */
  stateful?: boolean;
}

/** One `topics/*.yaml`: a topic as code. Values are the production ones (RF 3, min ISR 2). */
export interface TopicSpec {
  name: string;
  description: string;
  partitions: number;
  replicationFactor: number;
  /** Kafka topic configs as Kafka stores them (strings). */
  configs: Record<string, string>;
  /** Avro record full names allowed on the topic. */
  eventTypes: string[];
  compatibility: CompatibilityLevel;
  compatibilityReason?: string;
  producers: string[];
  consumers: ConsumerSpec[];
  /** The file it was read from, for messages. */
  file: string;
}

/** `<domain>.<aggregate>.v<N>` */
export const topicNamePattern = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;
/** Consumer groups and producers are service-like names: `projector-postgres`. */
export const serviceNamePattern = /^[a-z][a-z0-9-]*$/;
const fullNamePattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

const knownKeys = new Set([
  'name',
  'description',
  'partitions',
  'replicationFactor',
  'configs',
  'eventTypes',
  'compatibility',
  'compatibilityReason',
  'producers',
  'consumers',
]);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function positiveInteger(value: unknown, field: string, problems: FieldProblem[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    problems.push({ field, message: `expected an integer of at least 1, got ${JSON.stringify(value)}` });
    return undefined;
  }
  return value;
}

function nameList(value: unknown, field: string, pattern: RegExp, what: string, problems: FieldProblem[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ field, message: `expected a list of ${what}` });
    return [];
  }
  const seen = new Set<string>();
  value.forEach((item, index) => {
    if (typeof item !== 'string' || !pattern.test(item)) problems.push({ field: `${field}[${index}]`, message: `expected ${what}, got ${JSON.stringify(item)}` });
    else if (seen.has(item)) problems.push({ field: `${field}[${index}]`, message: `${item} is listed twice` });
    else seen.add(item);
  });
  return [...seen];
}

const consumerKeys = ['group', 'description', 'stateful'];

function consumersOf(value: unknown, problems: FieldProblem[]): ConsumerSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ field: 'consumers', message: 'expected a list of { group: <name> }' });
    return [];
  }
  const consumers: ConsumerSpec[] = [];
  value.forEach((item, index) => {
    const field = `consumers[${index}]`;
    if (!isRecord(item)) return problems.push({ field, message: 'expected { group: <name> }' });
    for (const key of Object.keys(item)) {
      if (!consumerKeys.includes(key)) problems.push({ field: `${field}.${key}`, message: `unknown key (known: ${consumerKeys.join(', ')})` });
    }
    const { group, description, stateful } = item;
    if (typeof group !== 'string' || !serviceNamePattern.test(group)) {
      return problems.push({ field: `${field}.group`, message: `expected a group name like projector-postgres, got ${JSON.stringify(group)}` });
    }
    if (consumers.some((consumer) => consumer.group === group)) return problems.push({ field: `${field}.group`, message: `${group} is listed twice` });
    if (description !== undefined && typeof description !== 'string') problems.push({ field: `${field}.description`, message: 'expected text' });
    if (stateful !== undefined && typeof stateful !== 'boolean') problems.push({ field: `${field}.stateful`, message: `expected true or false, got ${JSON.stringify(stateful)}` });
    consumers.push({ group, ...(typeof description === 'string' ? { description } : {}), ...(stateful === true ? { stateful } : {}) });
  });
  return consumers;
}

/**
 * Validates one parsed YAML document as a topic spec. Every problem is collected; the error
 * (THALWEG_TOPIC_SPEC_INVALID) names the file and the first field in its message, all in `fields`.
 */
export function parseTopicSpec(raw: unknown, file: string): TopicSpec {
  const problems: FieldProblem[] = [];
  if (!isRecord(raw)) throw specError(file, [{ field: '(document)', message: 'expected a mapping with name, partitions, …' }]);
  for (const key of Object.keys(raw)) {
    if (!knownKeys.has(key)) problems.push({ field: key, message: `unknown key (known: ${[...knownKeys].join(', ')})` });
  }
  const name = typeof raw.name === 'string' ? raw.name : '';
  if (!topicNamePattern.test(name)) problems.push({ field: 'name', message: `expected <domain>.<aggregate>.v<N>, got ${JSON.stringify(raw.name)}` });
  if (typeof raw.description !== 'string' || raw.description.trim() === '') problems.push({ field: 'description', message: 'is required' });
  const partitions = positiveInteger(raw.partitions, 'partitions', problems);
  const replicationFactor = positiveInteger(raw.replicationFactor, 'replicationFactor', problems);

  const configs: Record<string, string> = {};
  if (raw.configs !== undefined && !isRecord(raw.configs)) problems.push({ field: 'configs', message: 'expected a mapping of Kafka topic configs' });
  for (const [key, value] of Object.entries(isRecord(raw.configs) ? raw.configs : {})) {
    const checked = checkTopicConfig(key, value);
    if ('problem' in checked) problems.push({ field: `configs.${key}`, message: checked.problem });
    else configs[key] = checked.value;
  }
  const minIsr = configs['min.insync.replicas'];
  if (minIsr !== undefined && replicationFactor !== undefined && Number(minIsr) > replicationFactor) {
    problems.push({ field: 'configs.min.insync.replicas', message: `${minIsr} is more than the replication factor ${replicationFactor}` });
  }

  const eventTypes = nameList(raw.eventTypes, 'eventTypes', fullNamePattern, 'an Avro record full name', problems);
  if (eventTypes.length === 0 && Array.isArray(raw.eventTypes)) problems.push({ field: 'eventTypes', message: 'lists no event type' });
  if (raw.eventTypes === undefined) problems.push({ field: 'eventTypes', message: 'is required' });

  const compatibility = raw.compatibility ?? 'FULL_TRANSITIVE';
  if (!isCompatibilityLevel(compatibility)) {
    problems.push({ field: 'compatibility', message: `expected one of ${compatibilityLevels.join(', ')}, got ${JSON.stringify(compatibility)}` });
  }
  const reason = raw.compatibilityReason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.trim() === '')) problems.push({ field: 'compatibilityReason', message: 'expected text' });
  if (compatibility !== 'FULL_TRANSITIVE' && typeof reason !== 'string') {
    problems.push({ field: 'compatibilityReason', message: `is required when compatibility is looser than FULL_TRANSITIVE (${String(compatibility)})` });
  }

  const producers = nameList(raw.producers, 'producers', serviceNamePattern, 'a service name', problems);
  const consumers = consumersOf(raw.consumers, problems);
  if (problems.length > 0) throw specError(file, problems);
  return {
    name,
    description: (raw.description as string).trim(),
    partitions: partitions!,
    replicationFactor: replicationFactor!,
    configs,
    eventTypes,
    compatibility: compatibility as CompatibilityLevel,
    ...(typeof reason === 'string' ? { compatibilityReason: reason.trim() } : {}),
    producers,
    consumers,
    file,
  };
}

export function specError(file: string, problems: FieldProblem[], cause?: unknown): ThalwegError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((p) => p.field).join(', ')})` : '';
  return new ThalwegError('THALWEG_TOPIC_SPEC_INVALID', `${file}: ${first?.field}: ${first?.message}${more}`, {
    fields: problems,
    cause,
    details: { file },
  });
}
