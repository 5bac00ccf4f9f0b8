export { readConfig, string, optionalString, integer, list, oneOf } from './env-reader.ts';
export type { Setting } from './env-reader.ts';
export { kafkaSettings, databaseSettings, mongoSettings, redisSettings, logSettings, httpSettings, securitySettings, rateLimitSettings, observabilitySettings, consistencyTokenSettings, consistencyTokenKeys } from './common-settings.ts';
export { knownVariables } from './known-variables.ts';
