// Offline consistency checks of the APISIX gateway configuration (compose only: APISIX needs
// OpenResty, which the hosts this project is built on do not have).
//
// Each property is a function returning the problems it finds: one test asserts the real files
// have none, another breaks a copy on purpose and asserts the same function names the breakage.
// compose-config.test.ts checks the declarative mode and which service each wallet path reaches;
// this file checks what guards the routes and that they agree with the OpenAPI documents, the
// Keycloak realm and the policies.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

type Doc = Record<string, any>;

const composeDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(composeDir, '..');
const apisixDir = join(composeDir, 'config/apisix');

const readYaml = (path: string): Doc => parse(readFileSync(path, 'utf8'), { merge: true }) as Doc;
const clone = <T>(value: T): T => structuredClone(value);

const compose = readYaml(join(composeDir, 'docker-compose.yml'));
const gatewayConfig = readYaml(join(apisixDir, 'config.yaml'));
const gatewayText = readFileSync(join(apisixDir, 'apisix.yaml'), 'utf8');
const gateway = parse(gatewayText) as Doc;
const realm = JSON.parse(readFileSync(join(composeDir, 'config/keycloak/realm-import/thalweg-realm.json'), 'utf8')) as Doc;
const gatewayPolicyText = readFileSync(join(repoRoot, 'policies/thalweg/gateway.rego'), 'utf8');

const services = (doc: Doc): Record<string, Doc> => doc.services ?? {};
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// ---------------------------------------------------------------------------------------------
// The gateway as APISIX sees it
// ---------------------------------------------------------------------------------------------

const routes = (doc: Doc): Doc[] => doc.routes ?? [];
const urisOf = (route: Doc): string[] => [...(route.uris ?? []), ...(route.uri ? [route.uri] : [])];

/** A route's plugins after APISIX merges its plugin config in (the route's own win). */
function pluginsOf(route: Doc, doc: Doc): Doc {
  const shared = (doc.plugin_configs ?? []).find((config: Doc) => String(config.id) === String(route.plugin_config_id));
  return { ...(shared?.plugins ?? {}), ...(route.plugins ?? {}) };
}

function upstreamOf(route: Doc, doc: Doc): Doc | undefined {
  return route.upstream ?? (doc.upstreams ?? []).find((upstream: Doc) => String(upstream.id) === String(route.upstream_id));
}

/** The Thalweg compose service a route's upstream reaches (its single node), if it is one. */
function serviceOf(route: Doc, doc: Doc, composeDoc: Doc): string | undefined {
  const [node] = Object.keys(upstreamOf(route, doc)?.nodes ?? {});
  const [host, port] = String(node).split(':');
  const service = services(composeDoc)[host!];
  return service?.build?.args?.SERVICE && String(service.environment?.THALWEG_PORT) === port ? host : undefined;
}

/** APISIX's default router: a trailing `*` matches any rest of the path, anything else exactly. */
const uriMatches = (uri: string, path: string) => (uri.endsWith('*') ? path.startsWith(uri.slice(0, -1)) : path === uri);

const routesServing = (method: string, path: string, doc: Doc) =>
  routes(doc).filter((route) => (route.methods ?? []).includes(method) && urisOf(route).some((uri) => uriMatches(uri, path)));

/** The host of a URL or `host:port`, which must be a compose service to be reachable. */
const hostOf = (target: string) => target.replace(/^[a-z]+:\/\//, '').split(/[:/]/)[0]!;

// ---------------------------------------------------------------------------------------------
// What the gateway must agree with
// ---------------------------------------------------------------------------------------------

interface Operation {
  service: string;
  method: string;
  path: string;
}

/** The /v1 operations each Thalweg service's OpenAPI document (services/<dir>/src/openapi.ts) declares. */
async function declaredOperations(composeDoc: Doc): Promise<Operation[]> {
  const operations: Operation[] = [];
  for (const [service, definition] of Object.entries(services(composeDoc))) {
    const path = join(repoRoot, 'services', String(definition.build?.args?.SERVICE), 'src/openapi.ts');
    if (!definition.build?.args?.SERVICE || !existsSync(path)) continue;
    const module = (await import(pathToFileURL(path).href)) as Record<string, Doc>;
    for (const document of Object.values(module).filter((value) => value?.openapi && value?.paths)) {
      for (const [template, item] of Object.entries<Doc>(document.paths)) {
        if (!template.startsWith('/v1/')) continue;
        for (const method of Object.keys(item).filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))) {
          operations.push({ service, method: method.toUpperCase(), path: template });
        }
      }
    }
  }
  return operations;
}

const samplePath = (template: string) => template.replace(/\{[^}]+\}/g, 'sample-id');

/**
 * Paths the routes reach although no OpenAPI document declares them, with the reason. The read
 * route takes the same uris as the write route (the wallet collection is routed by method, as
 * compose-config.test.ts expects); nothing lists wallets yet, so the gateway policy answers 404.
 */
const routedWithoutOperation = new Map([['GET /v1/wallets', 'no endpoint lists wallets yet: the gateway policy answers 404']]);

/** The endpoint table of policies/thalweg/gateway.rego, one `{"method": …, "path": …}` row a line. */
const policyEndpoints = (text: string) => [...text.matchAll(/^\s+\{"method": "([A-Z]+)", "path": "([^"]+)"/gm)].map((match) => `${match[1]} ${match[2]}`);

/** Package name → rule names, for every policy file OPA serves (tests excluded). */
function policyRules(dir: string, rules = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) policyRules(path, rules);
    else if (entry.endsWith('.rego') && !entry.endsWith('_test.rego')) {
      const text = readFileSync(path, 'utf8');
      const name = /^package\s+([\w.]+)/m.exec(text)?.[1];
      if (!name) continue;
      const names = rules.get(name) ?? new Set<string>();
      for (const match of text.matchAll(/^([a-z_][a-z0-9_]*)\s*(?::=|=|if\b|contains\b|\[)/gm)) names.add(match[1]!);
      rules.set(name, names);
    }
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

function endMarkerProblems(text: string): string[] {
  return text.trimEnd().split('\n').at(-1) === '#END' ? [] : ['apisix.yaml must end with the #END line, or APISIX ignores it'];
}

function upstreamProblems(doc: Doc, composeDoc: Doc): string[] {
  return routes(doc).flatMap((route) => {
    const nodes = Object.keys(upstreamOf(route, doc)?.nodes ?? {});
    if (nodes.length !== 1) return [`route ${route.id}: expected one upstream node, found ${nodes.length}`];
    return serviceOf(route, doc, composeDoc) ? [] : [`route ${route.id}: ${nodes[0]} is not a Thalweg compose service on the port it listens on`];
  });
}

/** Only /v1 is exposed: health, readiness and OpenAPI documents stay inside the network. */
function exposureProblems(doc: Doc): string[] {
  return routes(doc).flatMap((route) => urisOf(route).filter((uri) => !/^\/v1(\/|$)/.test(uri)).map((uri) => `route ${route.id}: ${uri} is outside /v1`));
}

function guardProblems(doc: Doc, composeDoc: Doc, realmDoc: Doc): string[] {
  const composeNames = new Set(Object.keys(services(composeDoc)));
  const audiences = new Set(
    (realmDoc.clientScopes ?? []).flatMap((scope: Doc) => (scope.protocolMappers ?? []).map((mapper: Doc) => mapper.config?.['included.client.audience']).filter(Boolean)),
  );
  return routes(doc).flatMap((route) => {
    const plugins = pluginsOf(route, doc);
    const oidc = plugins['openid-connect'];
    const opa = plugins.opa;
    const limit = plugins['limit-count'];
    const problems: string[] = [];
    const say = (problem: string) => problems.push(`route ${route.id}: ${problem}`);
    if (!oidc) say('no openid-connect');
    else {
      if (oidc.bearer_only !== true) say('openid-connect must be bearer_only');
      const discovery = /^http:\/\/([^/]+)\/realms\/([^/]+)\/\.well-known\/openid-configuration$/.exec(String(oidc.discovery));
      if (!discovery || !composeNames.has(hostOf(discovery[1]!)) || discovery[2] !== realmDoc.realm) say(`discovery ${oidc.discovery} is not realm ${realmDoc.realm} at a compose service`);
      else if (!(oidc.claim_validator?.issuer?.valid_issuers ?? []).includes(`http://${discovery[1]}/realms/${realmDoc.realm}`)) say('the issuer the discovery names is not among valid_issuers');
      if (!audiences.has(oidc.client_id)) say(`client_id ${oidc.client_id} is no audience the realm puts in tokens`);
      if (oidc.claim_validator?.audience?.match_with_client_id !== true) say('the token audience is not checked against client_id');
    }
    if (!opa) say('no opa');
    else if (!composeNames.has(hostOf(String(opa.host)))) say(`opa host ${opa.host} is not a compose service`);
    if (!limit) say('no limit-count');
    else {
      if (limit.policy !== 'redis' || !composeNames.has(String(limit.redis_host))) say('limit-count must count in the compose Redis (policy redis)');
      if (!['remote_addr', 'consumer_name'].includes(limit.key) || limit.key_type !== 'var') say(`limit-count is keyed by ${limit.key_type} ${limit.key}, not by caller or address`);
    }
    return problems;
  });
}

/** Every write route allows fewer requests per second than every read route. */
function limitProblems(doc: Doc): string[] {
  const rate = (route: Doc) => {
    const limit = pluginsOf(route, doc)['limit-count'] ?? {};
    return Number(limit.count) / Number(limit.time_window);
  };
  const kind = (route: Doc) => new Set((route.methods ?? []).map((method: string) => (WRITE_METHODS.has(method) ? 'write' : 'read')));
  const problems = routes(doc).filter((route) => kind(route).size !== 1).map((route) => `route ${route.id} mixes reads and writes, so one quota cannot be stricter on writes`);
  const reads = routes(doc).filter((route) => kind(route).has('read') && kind(route).size === 1);
  const writes = routes(doc).filter((route) => kind(route).has('write') && kind(route).size === 1);
  for (const write of writes) {
    for (const read of reads) {
      if (!(rate(write) < rate(read))) problems.push(`write route ${write.id} allows ${rate(write)}/s, not fewer than read route ${read.id} (${rate(read)}/s)`);
    }
  }
  return problems;
}

function openapiProblems(doc: Doc, composeDoc: Doc, operations: Operation[], withoutOperation: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const { service, method, path } of operations) {
    const serving = routesServing(method, samplePath(path), doc);
    if (serving.length !== 1) problems.push(`${method} ${path} (${service}) is served by ${serving.length} routes, expected 1`);
    else if (serviceOf(serving[0]!, doc, composeDoc) !== service) problems.push(`${method} ${path} is routed to ${serviceOf(serving[0]!, doc, composeDoc)}, but ${service} declares it`);
  }
  for (const route of routes(doc)) {
    const service = serviceOf(route, doc, composeDoc);
    for (const method of route.methods ?? []) {
      for (const uri of urisOf(route)) {
        const reached = operations.some(
          (operation) =>
            operation.service === service && operation.method === method && (uri.endsWith('*') ? samplePath(operation.path).startsWith(uri.slice(0, -1)) : [operation.path, samplePath(operation.path)].includes(uri)),
        );
        if (!reached && !withoutOperation.has(`${method} ${uri}`)) problems.push(`route ${route.id}: ${method} ${uri} reaches no operation ${service}'s OpenAPI document declares`);
      }
    }
  }
  for (const entry of withoutOperation.keys()) {
    const [method, path] = entry.split(' ') as [string, string];
    if (operations.some((operation) => operation.method === method && operation.path === path)) problems.push(`${entry} is declared now: take it off the list of paths without an operation`);
    if (routesServing(method, path, doc).length === 0) problems.push(`${entry} is listed as routed without an operation, but no route serves it`);
  }
  return problems;
}

/** The gateway policy knows exactly the declared endpoints (an unknown one it answers 404). */
function policyEndpointProblems(endpoints: string[], operations: Operation[]): string[] {
  if (endpoints.length === 0) return ['policies/thalweg/gateway.rego: no endpoint table found'];
  const declared = new Set(operations.map((operation) => `${operation.method} ${operation.path}`));
  return [
    ...[...declared].filter((endpoint) => !endpoints.includes(endpoint)).map((endpoint) => `gateway.rego has no endpoint ${endpoint}: the gateway would answer 404`),
    ...endpoints.filter((endpoint) => !declared.has(endpoint)).map((endpoint) => `gateway.rego names ${endpoint}, which no OpenAPI document declares`),
  ];
}

/** Each opa plugin asks for a rule that a policy package defines (`a/b/rule` → package a.b, rule `rule`). */
function opaPolicyProblems(doc: Doc, rules: Map<string, Set<string>>): string[] {
  const policies = new Set(routes(doc).map((route) => pluginsOf(route, doc).opa?.policy).filter(Boolean));
  return [...policies].flatMap((policy: string) => {
    const parts = policy.split('/');
    const name = parts.slice(0, -1).join('.');
    return rules.get(name)?.has(parts.at(-1)!) ? [] : [`opa policy ${policy}: no rule ${parts.at(-1)} in a package ${name} under policies/`];
  });
}

function globalPluginProblems(doc: Doc, config: Doc, composeDoc: Doc): string[] {
  const plugins = Object.assign({}, ...(doc.global_rules ?? []).map((rule: Doc) => rule.plugins ?? {}));
  const problems = ['request-id', 'prometheus', 'opentelemetry', 'cors'].filter((name) => !(name in plugins)).map((name) => `global rules lack ${name}`);
  const collector = String(config.plugin_attr?.opentelemetry?.collector?.address ?? '');
  if ('opentelemetry' in plugins && !(hostOf(collector) in services(composeDoc))) problems.push(`opentelemetry collector ${collector || '(none)'} is not a compose service`);
  return problems;
}

/** Secrets come from the environment (`${{VAR}}` or `${{VAR:=default}}`), never written here. */
function literalSecretProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((item, index) => visit(item, `${path}[${index}]`));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (/secret|password/i.test(key) && !/^\$\{\{[A-Z_][A-Z0-9_]*(:=[^}]*)?\}\}$/.test(String(value))) problems.push(`${path}.${key} is written out instead of read from the environment`);
        visit(value, `${path}.${key}`);
      }
    }
  };
  visit(doc, 'apisix.yaml');
  return problems;
}

/** The gateway starts after the services every request needs: identity, policy, counters. */
function startOrderProblems(doc: Doc, composeDoc: Doc): string[] {
  const needed = new Set<string>();
  for (const route of routes(doc)) {
    const plugins = pluginsOf(route, doc);
    if (plugins['openid-connect']) needed.add(hostOf(String(plugins['openid-connect'].discovery)));
    if (plugins.opa) needed.add(hostOf(String(plugins.opa.host)));
    if (plugins['limit-count']) needed.add(String(plugins['limit-count'].redis_host));
  }
  const dependsOn: Doc = services(composeDoc).apisix?.depends_on ?? {};
  return [...needed].filter((name) => dependsOn[name]?.condition !== 'service_healthy').map((name) => `apisix does not wait for ${name} to be healthy`);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const operations = await declaredOperations(compose);
const rules = policyRules(join(repoRoot, 'policies'));

describe('the APISIX gateway configuration', () => {
  it('finds the OpenAPI operations of every API', () => {
    assert.deepEqual([...new Set(operations.map((operation) => operation.service))].sort(), ['command-api', 'query-api', 'search-api']);
  });
  it('ends apisix.yaml with #END', () => assert.deepEqual(endMarkerProblems(gatewayText), []));
  it('routes only to Thalweg services, on the ports they listen on', () => assert.deepEqual(upstreamProblems(gateway, compose), []));
  it('exposes nothing outside /v1', () => assert.deepEqual(exposureProblems(gateway), []));
  it('guards every route with a Keycloak bearer token, OPA and a Redis rate limit', () => assert.deepEqual(guardProblems(gateway, compose, realm), []));
  it('limits writes more strictly than reads', () => assert.deepEqual(limitProblems(gateway), []));
  it('routes every declared operation to its service, and nothing no document declares', () => assert.deepEqual(openapiProblems(gateway, compose, operations, routedWithoutOperation), []));
  it('knows in its policy exactly the declared endpoints', () => assert.deepEqual(policyEndpointProblems(policyEndpoints(gatewayPolicyText), operations), []));
  it('asks OPA for a rule the policies define', () => assert.deepEqual(opaPolicyProblems(gateway, rules), []));
  it('runs request ids, metrics, traces and CORS on every request', () => assert.deepEqual(globalPluginProblems(gateway, gatewayConfig, compose), []));
  it('reads secrets from the environment', () => assert.deepEqual(literalSecretProblems(gateway), []));
  it('starts after Keycloak, OPA and Redis are healthy', () => assert.deepEqual(startOrderProblems(gateway, compose), []));
});

describe('the gateway checks catch', () => {
  const wallets = (doc: Doc, id: string) => routes(doc).find((route) => route.id === id)!;
  const shared = (doc: Doc) => doc.plugin_configs[0].plugins;

  it('a missing #END', () => {
    assert.deepEqual(endMarkerProblems(gatewayText.replace(/^#END\s*$/m, '')), ['apisix.yaml must end with the #END line, or APISIX ignores it']);
  });

  it('an upstream that is not a Thalweg service, or on the wrong port', () => {
    const broken = clone(gateway);
    broken.upstreams.find((upstream: Doc) => upstream.id === 'query-api').nodes = { 'query-api:4001': 1 };
    broken.upstreams.find((upstream: Doc) => upstream.id === 'command-api').nodes = { 'opa:8181': 1 };
    // Every route to either upstream is named, whichever routes the gateway has.
    const wrongNode: Record<string, string> = { 'query-api': 'query-api:4001', 'command-api': 'opa:8181' };
    assert.deepEqual(
      upstreamProblems(broken, compose),
      broken.routes
        .filter((route: Doc) => route.upstream_id in wrongNode)
        .map((route: Doc) => `route ${route.id}: ${wrongNode[route.upstream_id]} is not a Thalweg compose service on the port it listens on`),
    );
  });

  it('a route outside /v1', () => {
    const broken = clone(gateway);
    wallets(broken, 'wallets-read').uris.push('/healthz');
    assert.deepEqual(exposureProblems(broken), ['route wallets-read: /healthz is outside /v1']);
  });

  it('a route without token check, policy or limit, or with them misconfigured', () => {
    const unguarded = clone(gateway);
    delete wallets(unguarded, 'wallets-write').plugin_config_id;
    delete wallets(unguarded, 'wallets-write').plugins['limit-count'];
    assert.deepEqual(guardProblems(unguarded, compose, realm), ['route wallets-write: no openid-connect', 'route wallets-write: no opa', 'route wallets-write: no limit-count']);

    const loose = clone(gateway);
    Object.assign(shared(loose)['openid-connect'], { bearer_only: false, client_id: 'thalweg-cli' });
    delete shared(loose)['openid-connect'].claim_validator;
    shared(loose).opa.host = 'http://127.0.0.1:8181';
    Object.assign(wallets(loose, 'wallets-read').plugins['limit-count'], { policy: 'local', key: 'http_x_forwarded_for' });
    assert.deepEqual(guardProblems(loose, compose, realm).filter((problem) => problem.startsWith('route wallets-read')), [
      'route wallets-read: openid-connect must be bearer_only',
      'route wallets-read: the issuer the discovery names is not among valid_issuers',
      'route wallets-read: client_id thalweg-cli is no audience the realm puts in tokens',
      'route wallets-read: the token audience is not checked against client_id',
      'route wallets-read: opa host http://127.0.0.1:8181 is not a compose service',
      'route wallets-read: limit-count must count in the compose Redis (policy redis)',
      'route wallets-read: limit-count is keyed by var http_x_forwarded_for, not by caller or address',
    ]);

    const elsewhere = clone(gateway);
    shared(elsewhere)['openid-connect'].discovery = 'http://keycloak:8080/realms/master/.well-known/openid-configuration';
    assert.deepEqual(guardProblems(elsewhere, compose, realm).filter((problem) => problem.startsWith('route wallets-read')), [
      'route wallets-read: discovery http://keycloak:8080/realms/master/.well-known/openid-configuration is not realm thalweg at a compose service',
    ]);
  });

  it('writes limited as loosely as reads, and a route mixing both', () => {
    const broken = clone(gateway);
    wallets(broken, 'wallets-write').plugins['limit-count'].count = wallets(broken, 'wallets-read').plugins['limit-count'].count;
    const problems = limitProblems(broken);
    assert.ok(problems.includes('write route wallets-write allows 20/s, not fewer than read route wallets-read (20/s)'), problems.join('\n'));
    assert.deepEqual(problems.filter((problem) => !problem.startsWith('write route wallets-write allows 20/s')), []);
    wallets(broken, 'wallets-read').methods.push('PATCH');
    assert.ok(limitProblems(broken).includes('route wallets-read mixes reads and writes, so one quota cannot be stricter on writes'));
  });

  it('a declared operation routed nowhere or to the wrong service, a route to nothing declared, a stale exception', () => {
    const broken = clone(gateway);
    wallets(broken, 'wallets-read').uris = ['/v1/wallets', '/v1/wallet/*'];
    wallets(broken, 'wallets-write').upstream_id = 'query-api';
    assert.deepEqual(openapiProblems(broken, compose, operations, new Map([...routedWithoutOperation, ['GET /v1/wallets/{walletId}', 'stale'], ['DELETE /v1/wallets', 'gone']])), [
      'POST /v1/wallets is routed to query-api, but command-api declares it',
      'POST /v1/wallets/{walletId}/credits is routed to query-api, but command-api declares it',
      'POST /v1/wallets/{walletId}/debits is routed to query-api, but command-api declares it',
      'POST /v1/wallets/{walletId}/transfers is routed to query-api, but command-api declares it',
      'GET /v1/wallets/{walletId} (query-api) is served by 0 routes, expected 1',
      'GET /v1/wallets/{walletId}/entries (query-api) is served by 0 routes, expected 1',
      "route wallets-read: GET /v1/wallet/* reaches no operation query-api's OpenAPI document declares",
      "route wallets-write: POST /v1/wallets reaches no operation query-api's OpenAPI document declares",
      "route wallets-write: POST /v1/wallets/* reaches no operation query-api's OpenAPI document declares",
      'GET /v1/wallets/{walletId} is declared now: take it off the list of paths without an operation',
      'GET /v1/wallets/{walletId} is listed as routed without an operation, but no route serves it',
      'DELETE /v1/wallets is listed as routed without an operation, but no route serves it',
    ]);
  });

  it('a declared endpoint the gateway policy does not know, or one it knows that nobody declares', () => {
    const endpoints = policyEndpoints(gatewayPolicyText);
    const broken = [...endpoints.filter((endpoint) => endpoint !== 'POST /v1/wallets/{walletId}/debits'), 'DELETE /v1/wallets/{walletId}'];
    assert.deepEqual(policyEndpointProblems(broken, operations), [
      'gateway.rego has no endpoint POST /v1/wallets/{walletId}/debits: the gateway would answer 404',
      'gateway.rego names DELETE /v1/wallets/{walletId}, which no OpenAPI document declares',
    ]);
    assert.deepEqual(policyEndpointProblems(policyEndpoints('package thalweg.gateway'), operations), ['policies/thalweg/gateway.rego: no endpoint table found']);
  });

  it('an opa policy path no package defines', () => {
    const broken = clone(gateway);
    shared(broken).opa.policy = 'thalweg/gateway/verdicts';
    assert.deepEqual(opaPolicyProblems(broken, rules), ['opa policy thalweg/gateway/verdicts: no rule verdicts in a package thalweg.gateway under policies/']);
    shared(broken).opa.policy = 'thalweg/authz_test/decision';
    assert.deepEqual(opaPolicyProblems(broken, rules), ['opa policy thalweg/authz_test/decision: no rule decision in a package thalweg.authz_test under policies/']);
  });

  it('a global plugin missing, or traces sent to no compose service', () => {
    const broken = clone(gateway);
    delete broken.global_rules[0].plugins.cors;
    const config = clone(gatewayConfig);
    config.plugin_attr.opentelemetry.collector.address = '127.0.0.1:4318';
    assert.deepEqual(globalPluginProblems(broken, config, compose), ['global rules lack cors', 'opentelemetry collector 127.0.0.1:4318 is not a compose service']);
  });

  it('a secret written into the file', () => {
    const broken = clone(gateway);
    shared(broken)['openid-connect'].client_secret = 'thalweg-api-secret';
    assert.deepEqual(literalSecretProblems(broken), ['apisix.yaml.plugin_configs[0].plugins.openid-connect.client_secret is written out instead of read from the environment']);
  });

  it('a gateway that starts before what its plugins call', () => {
    const broken = clone(compose);
    delete broken.services.apisix.depends_on.opa;
    broken.services.apisix.depends_on.redis.condition = 'service_started';
    assert.deepEqual(startOrderProblems(gateway, broken), ['apisix does not wait for opa to be healthy', 'apisix does not wait for redis to be healthy']);
  });
});
