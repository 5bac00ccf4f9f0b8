export { loadSchemaCatalog, parseSchemaFile } from './schema-catalog.ts';
export type { SchemaCatalog, SchemaEntry, LoadSchemaCatalogOptions } from './schema-catalog.ts';
export { subjectFor } from './subject-naming.ts';
export { MAX_AVRO_LONG_NUMBER } from './avro-long.ts';
export { checkCompatibility, describeType, formatProblem } from './compatibility-checker.ts';
export type { CompatibilityProblem, CheckCompatibilityOptions, CheckPerspective, ProblemKind, SchemaInput } from './compatibility-checker.ts';
export { checkEvolution, compatibilityLevels, isCompatibilityLevel } from './schema-evolution.ts';
export type { CheckEvolutionOptions, CompatibilityLevel, EvolutionProblem, SchemaVersion } from './schema-evolution.ts';
export { lintSchema, kebabCase } from './schema-lint.ts';
export { registerSchemas, subjectTargets } from './register-schemas.ts';
export type { RegisterSchemasOptions, RegisteredSchema, SubjectTarget, TopicEventTypes } from './register-schemas.ts';
export {
  checkOnline,
  deleteSubject,
  getSubjectCompatibility,
  listSubjects,
  listVersions,
  setSubjectCompatibility,
  subjectSchemas,
} from './registry-admin.ts';
export type { OnlineCheckResult } from './registry-admin.ts';
export { generateTypeFiles } from './type-generator.ts';
export type { GeneratedFile } from './type-generator.ts';
export { repoRoot, defaultSchemasDir, defaultGeneratedDir } from './repo-paths.ts';
// Every generated payload type, so a new schema needs no edit here.
export type * from './generated/index.ts';
