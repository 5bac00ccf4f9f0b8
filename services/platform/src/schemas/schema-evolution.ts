import { checkCompatibility, type CompatibilityProblem, type SchemaInput } from './compatibility-checker.ts';

/** The registry's compatibility levels (Confluent API). */
export const compatibilityLevels = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof compatibilityLevels)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (compatibilityLevels as readonly string[]).includes(value);
}

export interface SchemaVersion {
  /** How the version is named in messages: a commit, a registry version. */
  label: string;
  schema: SchemaInput;
}

export interface EvolutionProblem extends CompatibilityProblem {
  /** `backward`: the candidate cannot read old data; `forward`: old readers cannot read new data. */
  direction: 'backward' | 'forward';
  /** Labels of the previous versions this problem occurs against. */
  versions: string[];
}

export interface CheckEvolutionOptions {
  candidate: SchemaInput;
  /** Previous versions, oldest first. */
  previous: SchemaVersion[];
  level?: CompatibilityLevel;
}

/**
 * Checks a candidate schema against its previous versions as the registry would at `level`:
 * transitive levels against every version, the others against the newest only; FULL is both
 * directions. Problems repeated across versions are reported once, naming the versions.
 */
export function checkEvolution({ candidate, previous, level = 'FULL_TRANSITIVE' }: CheckEvolutionOptions): EvolutionProblem[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const versions = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const found = new Map<string, EvolutionProblem>();
  const add = (direction: EvolutionProblem['direction'], label: string, problems: CompatibilityProblem[]) => {
    for (const problem of problems) {
      const key = `${direction}\u0000${problem.path}\u0000${problem.message}`;
      const existing = found.get(key);
      if (existing) existing.versions.push(label);
      else found.set(key, { ...problem, direction, versions: [label] });
    }
  };
  for (const version of versions) {
    if (backward) add('backward', version.label, checkCompatibility(candidate, version.schema, { perspective: 'reader-new' }));
    if (forward) add('forward', version.label, checkCompatibility(version.schema, candidate, { perspective: 'reader-old' }));
  }
  return [...found.values()];
}
