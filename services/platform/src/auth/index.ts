export { identityOf } from './identity.ts';
export type { Identity } from './identity.ts';
export { createBearerAuthentication, identityFromClaims } from './bearer-authentication.ts';
export type { BearerAuthentication, BearerAuthenticationOptions } from './bearer-authentication.ts';
export { createPolicyClient } from './policy-client.ts';
export type { AuthzDecision, PolicyClient, PolicyClientOptions, PolicyInput, TenantScope } from './policy-client.ts';
export { createAccessControl, policyInput } from './access-control.ts';
export type { AccessControl, ResourceRef } from './access-control.ts';
