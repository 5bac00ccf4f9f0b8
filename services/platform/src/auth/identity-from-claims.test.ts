import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityFromClaims } from './bearer-authentication.ts';

test('a token without a tenant claim gives an empty tenant, which the policy denies', () => {
  assert.equal(identityFromClaims({ sub: 'u-1', azp: 'thalweg-cli', realm_access: { roles: ['wallets-reader'] } }).tenant, '');
  assert.equal(identityFromClaims({ sub: 'u-1', tenant: ['acme'] }).tenant, '', 'only a string names a tenant');
});

test('roles are the realm roles that are strings; anything else grants nothing', () => {
  assert.deepEqual(identityFromClaims({ sub: 'u-1', tenant: 'acme', realm_access: { roles: ['wallets-writer', 7, null, 'searcher'] } }).roles, ['wallets-writer', 'searcher']);
  assert.deepEqual(identityFromClaims({ sub: 'u-1', tenant: 'acme', realm_access: { roles: 'operator' } }).roles, []);
  assert.deepEqual(identityFromClaims({ sub: 'u-1', tenant: 'acme' }).roles, []);
});

test('the subject is sub, else the service account of the client', () => {
  assert.deepEqual(identityFromClaims({ sub: 'u-1', azp: 'thalweg-cli', tenant: 'acme' }), { subject: 'u-1', tenant: 'acme', roles: [], client: 'thalweg-cli' });
  assert.equal(identityFromClaims({ azp: 'command-api', tenant: 'platform' }).subject, 'service-account:command-api');
});
