import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '@thalweg/platform/testing';

// The native stack's OPA serving policies/: the decision documents the services rely on, and the
// Rego unit tests run through the stack's own OPA binary (so they are part of `make test`).
const run = promisify(execFile);
const stackScript = fileURLToPath(new URL('./stack.sh', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const OPA_URL = process.env.THALWEG_OPA_URL || `http://127.0.0.1:${8181 + Number(process.env.THALWEG_PORT_OFFSET ?? 0)}`;

type Decision = { allow: boolean; reason: string; cross_tenant: boolean };
type Scope = { allow: boolean; tenants: string[]; reason: string };

const person = (tenant: string, roles: string[], action: string, resourceTenant?: string) => ({
  subject: `user-${tenant}`,
  tenant,
  roles,
  client: 'thalweg-cli',
  action,
  resource: { type: 'wallet', id: 'w-1', ...(resourceTenant === undefined ? {} : { tenant: resourceTenant }) },
});

async function post(path: string, body: unknown): Promise<{ status: number; json: { result?: unknown } }> {
  const response = await fetch(`${OPA_URL}/v1/data/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000), // ms
  });
  return { status: response.status, json: (await response.json()) as { result?: unknown } };
}

async function query<T>(path: string, input: unknown): Promise<T> {
  const { status, json } = await post(path, { input });
  assert.equal(status, 200, `POST ${path} answered ${status}: ${JSON.stringify(json)}`);
  assert.ok(json.result !== undefined, `${path} is undefined: the policies are not loaded`);
  return json.result as T;
}

const decide = (input: unknown) => query<Decision>('thalweg/authz/decision', input);
const scope = (input: unknown) => query<Scope>('thalweg/filter/scope', input);

before(async () => {
  await waitFor(async () => (await fetch(`${OPA_URL}/health`, { signal: AbortSignal.timeout(2_000) })).status === 200, {
    timeout: 30_000,
    description: `OPA healthy at ${OPA_URL} (compose/native/stack.sh up opa)`,
  });
});

test('authz.decision allows a role that grants the action in the caller\'s tenant', async () => {
  assert.deepEqual(await decide(person('acme', ['wallets-writer'], 'wallets:credit', 'acme')), {
    allow: true,
    reason: 'wallets:credit granted by role wallets-writer',
    cross_tenant: false,
  });
  assert.equal((await decide(person('acme', ['wallets-writer'], 'wallets:open'))).allow, true, 'a creation has no resource tenant');
});

test('authz.decision denies a missing role and names the role that would grant it', async () => {
  assert.deepEqual(await decide(person('acme', ['wallets-reader'], 'wallets:credit', 'acme')), {
    allow: false,
    reason: 'wallets:credit requires role wallets-writer',
    cross_tenant: false,
  });
});

test('authz.decision flags another tenant\'s resource as cross_tenant', async () => {
  const decision = await decide(person('acme', ['wallets-reader', 'wallets-writer'], 'wallets:read', 'globex'));
  assert.equal(decision.allow, false);
  assert.equal(decision.cross_tenant, true);
  assert.match(decision.reason, /another tenant/);
});

test('authz.decision denies unknown actions and callers without a tenant', async () => {
  assert.equal((await decide(person('acme', ['operator'], 'wallets:delete', 'acme'))).reason, 'unknown action "wallets:delete"');
  const { tenant: _omitted, ...noTenant } = person('acme', ['wallets-reader'], 'wallets:read');
  const decision = await decide(noTenant);
  assert.equal(decision.allow, false);
  assert.match(decision.reason, /no tenant/);
  assert.equal((await decide({})).allow, false, 'an empty input is denied, never undefined');
});

test('a service account writes to any tenant\'s resource, and reads none', async () => {
  const service = (roles: string[], action: string) => ({ ...person('platform', roles, action, 'acme'), subject: 'service-account-settlement', client: 'settlement' });
  const write = await decide(service(['wallets-writer'], 'wallets:credit'));
  assert.equal(write.allow, true);
  assert.equal(write.cross_tenant, true);
  const read = await decide(service(['wallets-reader'], 'wallets:read'));
  assert.deepEqual([read.allow, read.cross_tenant], [false, true]);
});

test('filter.scope returns the caller\'s own tenant, taken from the input\'s tenant', async () => {
  assert.deepEqual(await scope(person('acme', ['searcher'], 'search:users')), {
    allow: true,
    tenants: ['acme'],
    reason: 'search:users granted by role searcher: tenant acme only',
  });
  assert.deepEqual((await scope(person('globex', ['auditor'], 'audit:read'))).tenants, ['globex']);
  assert.deepEqual((await scope(person('acme', ['operator'], 'operate:dead-letters'))).tenants, ['*'], 'operations span every tenant');
  const denied = await scope(person('acme', ['wallets-reader'], 'search:entries'));
  assert.deepEqual([denied.allow, denied.tenants], [false, []]);
  assert.match(denied.reason, /searcher/);
});

test('the server does not load the Rego tests', async () => {
  const { status, json } = await post('thalweg/authz_test', {});
  assert.equal(status, 200);
  assert.equal(json.result, undefined);
});

test('opa test policies/ passes through stack.sh run opa', { timeout: 900_000 }, async () => {
  // Builds OPA first when the cache has none (minutes), hence the long timeout.
  const { stdout } = await run('bash', [stackScript, 'run', 'opa', 'test', 'policies/', '--var-values'], {
    cwd: repoRoot,
    maxBuffer: 10_000_000,
  }).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    assert.fail(`opa test exited ${error.code}:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  assert.match(stdout, /^PASS: (\d+)\/\1$/m);
});
