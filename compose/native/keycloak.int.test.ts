import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { waitFor } from '@thalweg/platform/testing';

// The realm `thalweg` as code (compose/config/keycloak/realm-import/thalweg-realm.json), served by
// the native stack's Keycloak (`stack.sh up keycloak`). Its names are a contract: services check
// `iss`, `aud` and `tenant`, OPA reads `realm_access.roles`.
const baseUrl = (process.env.THALWEG_KEYCLOAK_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const issuer = `${baseUrl}/realms/thalweg`;
const tokenUrl = `${issuer}/protocol/openid-connect/token`;
const API_ROLES = ['wallets-writer', 'wallets-reader', 'users-writer', 'users-reader', 'searcher', 'operator', 'auditor'];
const PEOPLE_ROLES = ['wallets-writer', 'wallets-reader', 'users-writer', 'users-reader', 'searcher'];

type Claims = Record<string, unknown> & { iss: string; aud: string | string[]; exp: number; iat: number; tenant?: string; azp?: string };
type TokenResponse = { access_token: string; id_token?: string; expires_in: number };

function decodePart(part: string | undefined): Record<string, unknown> {
  assert.ok(part, 'a JWT has three parts');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const claimsOf = (jwt: string) => decodePart(jwt.split('.')[1]) as Claims;
const headerOf = (jwt: string) => decodePart(jwt.split('.')[0]) as { alg: string; kid: string; typ?: string };
const audiences = (claims: Claims) => (Array.isArray(claims.aud) ? claims.aud : [claims.aud]);
const apiRoles = (claims: Claims) => {
  const roles = (claims.realm_access as { roles?: string[] } | undefined)?.roles ?? [];
  return roles.filter((role) => API_ROLES.includes(role)).sort();
};

async function requestToken(form: Record<string, string>): Promise<Response> {
  return fetch(tokenUrl, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(15_000) });
}

async function token(form: Record<string, string>): Promise<TokenResponse> {
  const response = await requestToken(form);
  const body = await response.text();
  assert.equal(response.status, 200, `token request for ${form.username ?? form.client_id} answered ${response.status}: ${body}`);
  return JSON.parse(body) as TokenResponse;
}

const passwordGrant = (username: string, clientId = 'thalweg-cli') =>
  token({ grant_type: 'password', client_id: clientId, username, password: `${username}-password`, scope: 'openid' });

const clientCredentials = (clientId: string) =>
  token({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-dev-secret` });

before(async () => {
  // Keycloak may still be importing the realm when the suite starts.
  await waitFor(async () => (await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) })).ok, {
    timeout: 180_000,
    interval: 500,
    description: `Keycloak realm thalweg at ${baseUrl}`,
  });
});

describe('Keycloak realm thalweg', () => {
  it('publishes its issuer in the discovery document', async () => {
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.issuer, issuer);
    assert.equal(doc.token_endpoint, tokenUrl);
    assert.equal(doc.jwks_uri, `${issuer}/protocol/openid-connect/certs`);
  });

  const people = [
    { username: 'alice', tenant: 'acme', roles: PEOPLE_ROLES },
    { username: 'bob', tenant: 'globex', roles: PEOPLE_ROLES },
    { username: 'carol', tenant: 'acme', roles: ['wallets-reader', 'users-reader'] },
    { username: 'dave', tenant: 'acme', roles: [] },
    { username: 'olivia', tenant: 'acme', roles: ['operator'] },
    { username: 'audrey', tenant: 'acme', roles: ['auditor'] },
  ];
  for (const person of people) {
    it(`gives ${person.username} a thalweg-api token for tenant ${person.tenant} with roles [${person.roles.join(', ')}]`, async () => {
      const response = await passwordGrant(person.username);
      const claims = claimsOf(response.access_token);
      assert.equal(claims.iss, issuer);
      assert.ok(audiences(claims).includes('thalweg-api'), `aud ${JSON.stringify(claims.aud)} lacks thalweg-api`);
      assert.equal(claims.azp, 'thalweg-cli');
      assert.equal(claims.preferred_username, person.username);
      assert.equal(claims.tenant, person.tenant);
      assert.deepEqual(apiRoles(claims), [...person.roles].sort());
      assert.equal(claims.exp - claims.iat, 300, 'access tokens live 300 s');
      assert.ok(response.id_token, 'an id token for scope openid');
      assert.equal(claimsOf(response.id_token).tenant, person.tenant, 'the id token carries the tenant too');
    });
  }

  it('gives command-api (client credentials) a platform token with its service roles', async () => {
    const claims = claimsOf((await clientCredentials('command-api')).access_token);
    assert.equal(claims.iss, issuer);
    assert.ok(audiences(claims).includes('thalweg-api'), `aud ${JSON.stringify(claims.aud)} lacks thalweg-api`);
    assert.equal(claims.azp, 'command-api');
    assert.equal(claims.tenant, 'platform');
    assert.deepEqual(apiRoles(claims), ['users-writer', 'wallets-writer']);
  });

  for (const clientId of ['projector-postgres', 'projector-mongo', 'projector-search']) {
    it(`gives ${clientId} a platform token without API roles`, async () => {
      const claims = claimsOf((await clientCredentials(clientId)).access_token);
      assert.equal(claims.azp, clientId);
      assert.equal(claims.tenant, 'platform');
      assert.ok(audiences(claims).includes('thalweg-api'));
      assert.deepEqual(apiRoles(claims), []);
    });
  }

  it('signs tokens with an RS256 key served by the JWKS endpoint', async () => {
    const jwt = (await passwordGrant('alice')).access_token;
    const header = headerOf(jwt);
    assert.equal(header.alg, 'RS256');
    const { keys } = (await (await fetch(`${issuer}/protocol/openid-connect/certs`)).json()) as { keys: (JsonWebKey & { kid: string; alg?: string; use?: string })[] };
    const key = keys.find((candidate) => candidate.kid === header.kid);
    assert.ok(key, `no JWKS key with kid ${header.kid}`);
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    const [head, payload, signature] = jwt.split('.') as [string, string, string];
    const publicKey = createPublicKey({ key, format: 'jwk' });
    assert.ok(verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), publicKey, Buffer.from(signature, 'base64url')), 'signature verifies');
    const tampered = Buffer.from(JSON.stringify({ ...claimsOf(jwt), tenant: 'globex' })).toString('base64url');
    assert.ok(!verify('RSA-SHA256', Buffer.from(`${head}.${tampered}`), publicKey, Buffer.from(signature, 'base64url')), 'a changed payload does not verify');
  });

  it('refuses a wrong password and a wrong client secret with 401', async () => {
    const badPassword = await requestToken({ grant_type: 'password', client_id: 'thalweg-cli', username: 'alice', password: 'not-alice-password' });
    assert.equal(badPassword.status, 401);
    assert.equal(((await badPassword.json()) as { error: string }).error, 'invalid_grant');
    const badSecret = await requestToken({ grant_type: 'client_credentials', client_id: 'command-api', client_secret: 'wrong-secret' });
    assert.equal(badSecret.status, 401);
    assert.equal(((await badSecret.json()) as { error: string }).error, 'unauthorized_client');
  });

  it('keeps brute force detection off: a wrong password does not lock the user out', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await requestToken({ grant_type: 'password', client_id: 'thalweg-cli', username: 'dave', password: 'wrong' });
      assert.equal(response.status, 401);
    }
    assert.equal(claimsOf((await passwordGrant('dave')).access_token).preferred_username, 'dave');
  });

  it('issues 2-second access tokens to thalweg-test-short-lived', async () => {
    const response = await passwordGrant('carol', 'thalweg-test-short-lived');
    const claims = claimsOf(response.access_token);
    assert.equal(claims.exp - claims.iat, 2);
    assert.equal(response.expires_in, 2);
    assert.equal(claims.tenant, 'acme');
    assert.ok(audiences(claims).includes('thalweg-api'));
  });
});
