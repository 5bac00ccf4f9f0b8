import { testStack } from './test-stack.ts';
import { createConsistencyTokens } from '../events/index.ts';

// Real tokens from the stack's Keycloak (realm `thalweg` as code): users sign in through the
// public CLI client with `<user>-password`, service clients use `<client>-dev-secret`.

const realmUrl = () => `${testStack.keycloakUrl.replace(/\/+$/, '')}/realms/thalweg`;
const cache = new Map<string, { token: string; expires: number }>();

async function requestToken(key: string, form: Record<string, string>): Promise<string> {
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return hit.token;
  const response = await fetch(`${realmUrl()}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(15_000) });
  const body = await response.text();
  if (!response.ok) throw new Error(`Keycloak refused a token for ${key}: ${response.status} ${body}`);
  const { access_token: token, expires_in: expiresIn } = JSON.parse(body) as { access_token: string; expires_in: number };
  // Reused while it has at least 30 s to live, so a test never holds a token about to expire.
  cache.set(key, { token, expires: Date.now() + (expiresIn - 30) * 1_000 });
  return token;
}

/** An access token of a realm user (alice, bob, carol, dave, olivia, audrey); `thalweg-test-short-lived` gives 2 s tokens. */
export function userToken(username: string, { clientId = 'thalweg-cli' } = {}): Promise<string> {
  return requestToken(`user:${clientId}:${username}`, { grant_type: 'password', client_id: clientId, username, password: `${username}-password` });
}

/** An access token of a confidential service client (client credentials). */
export function serviceToken(clientId: string): Promise<string> {
  return requestToken(`client:${clientId}`, { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-dev-secret` });
}

/** The key the tests' command and query APIs sign and verify consistency tokens with. */
const TEST_CONSISTENCY_TOKEN_KEY = 'thalweg-test-consistency-token-key-000000';

/** Tokens as the tests' command API signs them: for a test that builds one the API would issue. */
export const testConsistencyTokens = createConsistencyTokens({ key: TEST_CONSISTENCY_TOKEN_KEY });

/**
 * The settings a service needs to check tokens and ask the policy, and to sign or verify
 * consistency tokens, for `startServiceProcess`.
 */
export function securityEnv(): Record<string, string> {
  return { THALWEG_KEYCLOAK_URL: testStack.keycloakUrl, THALWEG_OPA_URL: testStack.opaUrl, THALWEG_CONSISTENCY_TOKEN_KEY: TEST_CONSISTENCY_TOKEN_KEY };
}
