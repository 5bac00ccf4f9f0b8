export { anonymousIdentity, identityOf, TENANT_PATTERN } from './identity.ts';
export type { Identity } from './identity.ts';
