import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ThalwegError } from '../errors/index.ts';
import { defaultTopicsDir } from './repo-paths.ts';
import { parseTopicSpec, specError, type TopicSpec } from './topic-spec.ts';

export interface TopicSpecs {
  /** The topics root the specs were read from. */
  readonly root: string;
  /** A declared topic; THALWEG_TOPIC_UNKNOWN when no file declares it. */
  get(name: string): TopicSpec;
  has(name: string): boolean;
  /** Every spec, sorted by name. */
  all(): TopicSpec[];
  /** The topics whose spec lists this consumer group, sorted by name. */
  consumedBy(group: string): string[];
  /** The one topic allowing an event type; THALWEG_TOPIC_EVENT_NOT_ALLOWED when none does. */
  topicForEventType(fullName: string): TopicSpec;
  /** Throws THALWEG_TOPIC_EVENT_NOT_ALLOWED unless the topic allows the event type. */
  assertEventTypeAllowed(topic: string, fullName: string): void;
}

export interface LoadTopicSpecsOptions {
  root?: string;
}

/** Checks rules that span files: unique names, one topic per event type. */
function checkAcrossFiles(specs: TopicSpec[]): void {
  const byName = new Map<string, TopicSpec>();
  const byEventType = new Map<string, TopicSpec>();
  for (const spec of specs) {
    const other = byName.get(spec.name);
    if (other) throw specError(spec.file, [{ field: 'name', message: `${spec.name} is already declared in ${other.file}` }]);
    byName.set(spec.name, spec);
    for (const eventType of spec.eventTypes) {
      const owner = byEventType.get(eventType);
      if (owner) {
        throw specError(spec.file, [
          { field: 'eventTypes', message: `${eventType} is already allowed on ${owner.name} (${owner.file}); an event type lives on exactly one topic` },
        ]);
      }
      byEventType.set(eventType, spec);
    }
  }
}

/** Reads every `topics/*.yaml` (topics as code) and validates each file and the set. */
export function loadTopicSpecs({ root = defaultTopicsDir }: LoadTopicSpecsOptions = {}): TopicSpecs {
  let files: string[];
  try {
    files = readdirSync(root).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  } catch (error) {
    throw new ThalwegError('THALWEG_TOPIC_SPEC_INVALID', `topics directory ${root} cannot be read`, { cause: error, details: { root } });
  }
  const specs: TopicSpec[] = [];
  for (const name of files) {
    const file = join(root, name);
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw specError(file, [{ field: '(yaml)', message: (error as Error).message }], error);
    }
    const spec = parseTopicSpec(raw, file);
    const expected = `${spec.name}.yaml`;
    if (basename(file) !== expected && basename(file) !== `${spec.name}.yml`) {
      throw specError(file, [{ field: 'name', message: `the file of topic ${spec.name} should be named ${expected}` }]);
    }
    specs.push(spec);
  }
  return createTopicSpecs({ specs, root });
}

/** The lookups over validated specs; checks the rules spanning files. */
export function createTopicSpecs({ specs: given, root }: { specs: TopicSpec[]; root: string }): TopicSpecs {
  const specs = [...given].sort((a, b) => a.name.localeCompare(b.name));
  checkAcrossFiles(specs);
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byEventType = new Map(specs.flatMap((spec) => spec.eventTypes.map((eventType) => [eventType, spec] as const)));

  const get = (name: string): TopicSpec => {
    const spec = byName.get(name);
    if (!spec) {
      throw new ThalwegError('THALWEG_TOPIC_UNKNOWN', `topic ${name} is not declared under ${root}`, { details: { topic: name, known: [...byName.keys()] } });
    }
    return spec;
  };
  return {
    root,
    get,
    has: (name) => byName.has(name),
    all: () => [...specs],
    consumedBy: (group) => specs.filter((spec) => spec.consumers.some((consumer) => consumer.group === group)).map((spec) => spec.name),
    topicForEventType(fullName) {
      const spec = byEventType.get(fullName);
      if (!spec) {
        throw new ThalwegError('THALWEG_TOPIC_EVENT_NOT_ALLOWED', `no topic allows event type ${fullName} (add it to the eventTypes of a spec under ${root})`, {
          details: { eventType: fullName },
        });
      }
      return spec;
    },
    assertEventTypeAllowed(topic, fullName) {
      const spec = get(topic);
      if (!spec.eventTypes.includes(fullName)) {
        throw new ThalwegError('THALWEG_TOPIC_EVENT_NOT_ALLOWED', `event type ${fullName} is not allowed on ${topic} (allowed: ${spec.eventTypes.join(', ')})`, {
          details: { topic, eventType: fullName },
        });
      }
    },
  };
}
