export { waitFor } from './wait-for.ts';
export { uniqueName } from './unique.ts';
export { testStack, testKafka, testAdmin, createTestTopic, deleteTopicsAtEnd, createTestDatabase, readTopic } from './test-stack.ts';
export { registerTestSchemas } from './registry-fixtures.ts';
export { startServiceProcess, freePort } from './service-process.ts';
export type { ServiceProcess } from './service-process.ts';
export { onCleanup } from './cleanup.ts';
export { devKafkaPassword, devKafkaSasl, serviceKafkaEnv } from './service-credentials.ts';
export { revokeAclsAtEnd } from './test-acls.ts';
