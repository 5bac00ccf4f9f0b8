// Offline consistency checks of the compose runtime: nothing here starts a container.
//
// Each property is a function returning the problems it finds. A test asserts that the real files
// have none, and a second test breaks a copy of the configuration on purpose and asserts that the
// same function reports it, so no check here can pass by construction.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { consistencyTokenSettings, databaseSettings, httpSettings, kafkaSettings, logSettings, mongoSettings, rateLimitSettings, redisSettings, securitySettings } from '@thalweg/platform/config';
import { searchSettings } from '@thalweg/platform/search';
import { brokerNames, clone, compose, composeDir, dependencies, envExample, interpolatedVariables, rawCompose, readYaml, repoRoot, services, type Doc } from './compose-model.ts';

// ---------------------------------------------------------------------------------------------
// Properties of the compose file
// ---------------------------------------------------------------------------------------------

const isOneShot = (service: Doc) => service.restart === 'no';

function missingDependsOnTargets(doc: Doc): string[] {
  const names = new Set(Object.keys(services(doc)));
  return Object.entries(services(doc)).flatMap(([name, service]) =>
    Object.keys(dependencies(service))
      .filter((target) => !names.has(target))
      .map((target) => `${name} depends on unknown service ${target}`),
  );
}

/** Waits must be real: healthy for long-running targets (which need a healthcheck), a clean exit for one-shots. */
function weakDependencies(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(services(doc))) {
    for (const [target, { condition }] of Object.entries(dependencies(service))) {
      const other = services(doc)[target];
      if (!other) continue;
      const expected = isOneShot(other) ? 'service_completed_successfully' : 'service_healthy';
      if (condition !== expected) problems.push(`${name} -> ${target}: condition ${condition ?? '(none)'}, expected ${expected}`);
      if (expected === 'service_healthy' && !other.healthcheck?.test) problems.push(`${name} waits for ${target} to be healthy but ${target} has no healthcheck`);
    }
  }
  return problems;
}

function longRunningWithoutHealthcheck(doc: Doc): string[] {
  return Object.entries(services(doc))
    .filter(([, service]) => !isOneShot(service) && (!service.healthcheck?.test || service.healthcheck.disable))
    .map(([name]) => `${name} runs continuously but has no healthcheck`);
}

function unpinnedImages(doc: Doc): string[] {
  return Object.entries(services(doc)).flatMap(([name, service]) => {
    if (!service.image) return service.build ? [] : [`${name} has neither image nor build`];
    const reference = String(service.image);
    const tag = /:([^/:@]+)$/.exec(reference)?.[1];
    return !tag || tag === 'latest' ? [`${name} image ${reference} is not pinned to a version tag`] : [];
  });
}

/** Bind mounts: short syntax `./src:/dst[:mode]` or long syntax `type: bind`. Named volumes are skipped. */
function bindMountSources(service: Doc): string[] {
  return (service.volumes ?? []).flatMap((volume: string | Doc) => {
    if (typeof volume === 'string') {
      const source = volume.split(':')[0]!;
      return source.startsWith('.') || source.startsWith('/') ? [source] : [];
    }
    return volume.type === 'bind' ? [String(volume.source)] : [];
  });
}

/**
 * Sources the compose file mounts but another part of the project fills: they may be absent from
 * a fresh clone until that work lands (git keeps no empty directory). Checked when present.
 */
const mountsFilledElsewhere = new Map([['../policies', 'the Rego policies arrive with the security work']]);

/** Paths of the host, not of the repository, that the compose file mounts on purpose. */
const hostMounts = new Map([['/var/run/docker.sock', 'promtail discovers the containers and reads their logs through the Docker API']]);

function missingMountSources(doc: Doc, baseDir: string): string[] {
  return Object.entries(services(doc)).flatMap(([name, service]) =>
    bindMountSources(service)
      .filter((source) => !hostMounts.has(source) && !existsSync(resolve(baseDir, source)) && !mountsFilledElsewhere.has(source))
      .map((source) => `${name} mounts ${source}, which is not in the repository`),
  );
}

function undeclaredNamedVolumes(doc: Doc): string[] {
  const declared = new Set(Object.keys(doc.volumes ?? {}));
  return Object.entries(services(doc)).flatMap(([name, service]) =>
    (service.volumes ?? [])
      .map((volume: string | Doc) => (typeof volume === 'string' ? volume.split(':')[0]! : volume.type === 'volume' ? String(volume.source) : ''))
      .filter((source: string) => source && !source.startsWith('.') && !source.startsWith('/') && !declared.has(source))
      .map((source: string) => `${name} uses volume ${source}, which is not declared under volumes:`),
  );
}

interface HostPort {
  service: string;
  ip: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

function hostPorts(doc: Doc): HostPort[] {
  return Object.entries(services(doc)).flatMap(([service, definition]) =>
    (definition.ports ?? []).map((port: string | number | Doc) => {
      if (typeof port === 'object') {
        return { service, ip: port.host_ip ?? '0.0.0.0', hostPort: Number(port.published), containerPort: Number(port.target), protocol: port.protocol ?? 'tcp' };
      }
      const [mapping, protocol = 'tcp'] = String(port).split('/');
      const parts = mapping!.split(':');
      const containerPort = Number(parts.at(-1));
      const hostPort = parts.length >= 2 ? Number(parts.at(-2)) : containerPort;
      const ip = parts.length === 3 ? parts[0]! : '0.0.0.0';
      return { service, ip, hostPort, containerPort, protocol };
    }),
  );
}

/** One host port, one owner. 0.0.0.0 overlaps every address, so ports are compared by number. */
function duplicateHostPorts(doc: Doc): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const { service, hostPort, protocol } of hostPorts(doc)) {
    const key = `${hostPort}/${protocol}`;
    const owner = owners.get(key);
    if (owner) problems.push(`host port ${key} is published by ${owner} and ${service}`);
    else owners.set(key, service);
  }
  return problems;
}

/** Healthchecks that run the shared busybox need its volume and must wait until `prepare` copied it. */
function probeWithoutVolume(doc: Doc): string[] {
  return Object.entries(services(doc)).flatMap(([name, service]) => {
    const test: unknown[] = service.healthcheck?.test ?? [];
    if (!test.some((part) => String(part).startsWith('/probe/'))) return [];
    const problems: string[] = [];
    const mounted = (service.volumes ?? []).some((volume: string | Doc) =>
      typeof volume === 'string' ? volume.split(':')[1] === '/probe' : volume.source === 'probe' && volume.target === '/probe',
    );
    if (!mounted) problems.push(`${name} healthcheck runs /probe/busybox without mounting the probe volume`);
    if (dependencies(service).prepare?.condition !== 'service_completed_successfully') problems.push(`${name} healthcheck runs /probe/busybox before prepare has copied it`);
    return problems;
  });
}

const knownThalwegVariables = new Set(
  [kafkaSettings, databaseSettings, mongoSettings, redisSettings, logSettings, securitySettings, consistencyTokenSettings, rateLimitSettings, searchSettings, httpSettings(0)].flatMap((settings) => Object.values(settings).map((setting) => setting.variable)),
);

/** The services refuse THALWEG_ variables they do not know: a typo here would stop them at start. */
function unknownThalwegVariables(doc: Doc): string[] {
  return Object.entries(services(doc)).flatMap(([name, service]) =>
    Object.keys(service.environment ?? {})
      .filter((key) => key.startsWith('THALWEG_') && !knownThalwegVariables.has(key))
      .map((key) => `${name} sets ${key}, which no platform setting reads`),
  );
}

/** A service that listens binds every interface of its container, and publishes (if at all) that port. */
function listenPortMismatches(doc: Doc): string[] {
  return Object.entries(services(doc)).flatMap(([name, service]) => {
    const port = service.environment?.THALWEG_PORT;
    if (port === undefined) return [];
    const problems: string[] = [];
    const published = hostPorts({ services: { [name]: service } }).map((entry) => entry.containerPort);
    if (published.length > 0 && !published.includes(Number(port))) problems.push(`${name} listens on ${port} but publishes ${published.join(', ')}`);
    if (service.environment?.THALWEG_HOST !== '0.0.0.0') problems.push(`${name} must bind THALWEG_HOST=0.0.0.0 inside its container`);
    const healthcheck = [service.healthcheck?.test ?? []].flat().join(' ');
    if (!healthcheck.includes(`127.0.0.1:${port}/`)) problems.push(`${name} healthcheck does not ask port ${port}`);
    return problems;
  });
}

// ---------------------------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------------------------

function kafkaProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const brokers = brokerNames(doc);
  if (brokers.length !== 3) problems.push(`expected 3 brokers, found ${brokers.length}`);
  const nodeIds = new Set<string>();
  for (const name of brokers) {
    const service = services(doc)[name]!;
    const env: Doc = service.environment ?? {};
    const require = (key: string, expected: string) => {
      if (String(env[key]) !== expected) problems.push(`${name}: ${key}=${env[key]}, expected ${expected}`);
    };
    require('KAFKA_PROCESS_ROLES', 'broker,controller');
    require('KAFKA_DEFAULT_REPLICATION_FACTOR', '3');
    require('KAFKA_MIN_INSYNC_REPLICAS', '2');
    require('KAFKA_AUTO_CREATE_TOPICS_ENABLE', 'false');
    require('KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', '3');
    require('KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', '3');
    require('KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', '2');
    const nodeId = String(env.KAFKA_NODE_ID);
    if (nodeIds.has(nodeId)) problems.push(`${name}: node id ${nodeId} is used twice`);
    nodeIds.add(nodeId);
    const voters = String(env.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '').split(',');
    for (const broker of brokers) {
      const id = String(services(doc)[broker]!.environment?.KAFKA_NODE_ID);
      if (!voters.some((voter) => voter.startsWith(`${id}@${broker}:`))) problems.push(`${name}: quorum voters miss ${id}@${broker}`);
    }
    // The host listener must advertise the port the host actually reaches.
    const advertised = /HOST:\/\/([^,]+):(\d+)/.exec(String(env.KAFKA_ADVERTISED_LISTENERS ?? ''));
    const published = hostPorts({ services: { [name]: service } }).map((port) => port.hostPort);
    if (!advertised || !published.includes(Number(advertised[2]))) {
      problems.push(`${name}: HOST listener advertises ${advertised?.[2] ?? 'nothing'} but publishes ${published.join(', ')}`);
    }
    if (!String(env.KAFKA_ADVERTISED_LISTENERS ?? '').includes(`INTERNAL://${name}:19092`)) problems.push(`${name}: INTERNAL listener must advertise ${name}:19092`);
  }
  const clusterIds = new Set(brokers.map((name) => String(services(doc)[name]!.environment?.CLUSTER_ID)));
  if (clusterIds.size !== 1) problems.push(`brokers disagree on CLUSTER_ID: ${[...clusterIds].join(', ')}`);
  const [clusterId] = clusterIds;
  if (clusterId && (!/^[A-Za-z0-9_-]{22}$/.test(clusterId) || Buffer.from(clusterId, 'base64url').toString('base64url') !== clusterId)) {
    problems.push(`CLUSTER_ID ${clusterId} is not a base64url-encoded 16-byte id`);
  }
  return problems;
}

/** Every THALWEG_KAFKA_BROKERS lists every broker's in-network listener. */
function brokerListProblems(doc: Doc): string[] {
  const expected = brokerNames(doc).map((name) => `${name}:19092`).sort().join(',');
  return Object.entries(services(doc)).flatMap(([name, service]) => {
    const brokers = service.environment?.THALWEG_KAFKA_BROKERS;
    if (brokers === undefined) return [];
    const actual = String(brokers).split(',').sort().join(',');
    return actual === expected ? [] : [`${name}: THALWEG_KAFKA_BROKERS=${brokers}, expected every broker (${expected})`];
  });
}

// ---------------------------------------------------------------------------------------------
// Observability
// ---------------------------------------------------------------------------------------------

const hostOf = (target: string) => target.replace(/^[a-z]+:\/\//, '').split(/[:/]/)[0]!;

function prometheusTargetProblems(prometheus: Doc, doc: Doc): string[] {
  const names = new Set(Object.keys(services(doc)));
  return (prometheus.scrape_configs ?? []).flatMap((job: Doc) =>
    (job.static_configs ?? []).flatMap((config: Doc) =>
      (config.targets ?? [])
        .filter((target: string) => !names.has(hostOf(target)))
        .map((target: string) => `scrape job ${job.job_name}: target ${target} is not a compose service`),
    ),
  );
}

/** The Thalweg services: built from Dockerfile.service and long-running (the one-shot init runs the CLI). */
function thalwegServices(doc: Doc): Array<{ name: string; port: number }> {
  return Object.entries(services(doc))
    .filter(([, service]) => service.build && !isOneShot(service))
    .map(([name, service]) => ({ name, port: Number(service.environment?.THALWEG_PORT) }));
}

/** Job thalweg-services scrapes every Thalweg service on the port it listens on, labelled service=<its name>, and nothing else. */
function thalwegScrapeProblems(prometheus: Doc, doc: Doc): string[] {
  const job = (prometheus.scrape_configs ?? []).find((candidate: Doc) => candidate.job_name === 'thalweg-services');
  if (!job) return ['no scrape job thalweg-services'];
  const problems: string[] = [];
  if ((job.metrics_path ?? '/metrics') !== '/metrics') problems.push(`thalweg-services scrapes ${job.metrics_path}, not /metrics`);
  const scraped = new Map<string, Doc>();
  for (const config of job.static_configs ?? []) for (const target of config.targets ?? []) scraped.set(String(target), config.labels ?? {});
  const expected = new Map(thalwegServices(doc).map(({ name, port }) => [`${name}:${port}`, name]));
  for (const [target, name] of expected) {
    const labels = scraped.get(target);
    if (!labels) problems.push(`thalweg-services does not scrape ${target}`);
    else if (labels.service !== name) problems.push(`thalweg-services scrapes ${target} with service=${labels.service ?? '(none)'}, expected ${name}`);
  }
  for (const target of scraped.keys()) if (!expected.has(target)) problems.push(`thalweg-services scrapes ${target}, which is no Thalweg service's port`);
  return problems;
}

/**
 * Prometheus loads every rule file of observability/prometheus/rules, by name (the unit tests
 * beside them, *.test.yml, are no rule files), from the directory mounted beside its configuration.
 */
function ruleFileProblems(prometheus: Doc, doc: Doc, rulesDir: string): string[] {
  const problems: string[] = [];
  const mounts: string[] = (services(doc).prometheus?.volumes ?? []).filter((volume: unknown) => typeof volume === 'string');
  const config = mounts.map((volume) => volume.split(':')).find(([source]) => source === '../observability/prometheus/prometheus.yml');
  if (!config) return ['prometheus does not mount observability/prometheus/prometheus.yml'];
  const configDir = config[1]!.replace(/\/[^/]+$/, '');
  if (!mounts.includes(`../observability/prometheus/rules:${configDir}/rules:ro`)) problems.push(`prometheus does not mount observability/prometheus/rules at ${configDir}/rules (read-only)`);
  const listed = new Set<string>((prometheus.rule_files ?? []).map(String));
  const files = existsSync(rulesDir) ? readdirSync(rulesDir).filter((file) => file.endsWith('.yml')) : [];
  for (const file of files) {
    const isTest = file.endsWith('.test.yml');
    if (isTest && listed.has(`rules/${file}`)) problems.push(`rule_files lists rules/${file}, a unit test file`);
    if (!isTest && !listed.has(`rules/${file}`)) problems.push(`rule_files does not list rules/${file}`);
  }
  for (const entry of listed) if (!files.includes(entry.replace(/^rules\//, '')) || !entry.startsWith('rules/')) problems.push(`rule_files lists ${entry}, which is no file of observability/prometheus/rules`);
  return problems;
}

/** Promtail ships the logs of exactly the Thalweg services of this project to Loki, with no per-request label. */
function promtailProblems(promtail: Doc, doc: Doc): string[] {
  const problems: string[] = [];
  const url = String(promtail.clients?.[0]?.url ?? '');
  if (!services(doc)[hostOf(url)] || !url.endsWith('/loki/api/v1/push') || hostOf(url) !== 'loki') problems.push(`promtail pushes to ${url || 'nothing'}, not to loki's /loki/api/v1/push`);
  const job = (promtail.scrape_configs ?? []).find((config: Doc) => config.docker_sd_configs);
  if (!job) return [...problems, 'promtail has no docker_sd_configs scrape job'];
  const filters: Doc[] = job.docker_sd_configs.flatMap((config: Doc) => config.filters ?? []);
  if (!filters.some((filter) => filter.name === 'label' && (filter.values ?? []).includes(`com.docker.compose.project=${doc.name}`))) problems.push(`promtail does not keep to compose project ${doc.name}`);
  const keep = (job.relabel_configs ?? []).find((rule: Doc) => rule.action === 'keep' && (rule.source_labels ?? []).includes('__meta_docker_container_label_com_docker_compose_service'));
  if (!keep) problems.push('promtail keeps every container, not only the Thalweg services');
  else {
    // Relabel regexes are anchored at both ends.
    const regex = new RegExp(`^(?:${keep.regex})$`);
    const thalweg = new Set(thalwegServices(doc).map(({ name }) => name));
    for (const name of Object.keys(services(doc))) {
      if (thalweg.has(name) && !regex.test(name)) problems.push(`promtail drops the logs of ${name}`);
      if (!thalweg.has(name) && regex.test(name)) problems.push(`promtail keeps the logs of ${name}, which is no Thalweg service`);
    }
  }
  for (const label of promtailLabels(promtail)) if (/trace|span/.test(label)) problems.push(`promtail makes ${label} a label: a stream per trace`);
  return problems;
}

/** The labels Promtail's scrape jobs give a stream: the relabel targets and the labels stages. */
function promtailLabels(promtail: Doc): Set<string> {
  const labels = new Set<string>();
  for (const job of promtail.scrape_configs ?? []) {
    for (const rule of job.relabel_configs ?? []) if (rule.target_label && !String(rule.target_label).startsWith('__')) labels.add(String(rule.target_label));
    for (const stage of job.pipeline_stages ?? []) for (const label of Object.keys(stage.labels ?? {})) labels.add(label);
  }
  return labels;
}

/** The label names of the stream selectors of a dashboard's Loki queries. */
function lokiSelectorLabels(dashboard: Doc): Set<string> {
  const labels = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const entry = node as Doc;
      if (typeof entry.expr === 'string' && entry.datasource?.type === 'loki') {
        for (const selector of entry.expr.matchAll(/\{([^}]*)\}/g)) for (const matcher of selector[1]!.matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.add(matcher[1]!);
      }
      Object.values(entry).forEach(visit);
    }
  };
  visit(dashboard.panels);
  return labels;
}

/** Every datasource uid a dashboard refers to (panels, their targets, nested rows). */
function dashboardDatasourceUids(dashboard: Doc): Set<string> {
  const uids = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'datasource' && value && typeof value === 'object' && 'uid' in value) uids.add(String((value as Doc).uid));
        else if (key === 'datasource' && typeof value === 'string') uids.add(value);
        else visit(value);
      }
    }
  };
  visit(dashboard.panels);
  return uids;
}

function dashboardDatasourceProblems(dashboard: Doc, provisioned: Doc): string[] {
  const uids = new Set((provisioned.datasources ?? []).map((datasource: Doc) => datasource.uid));
  return [...dashboardDatasourceUids(dashboard)].filter((uid) => !uids.has(uid)).map((uid) => `dashboard ${dashboard.uid} uses datasource ${uid}, which is not provisioned`);
}

function datasourceUrlProblems(provisioned: Doc, doc: Doc): string[] {
  const names = new Set(Object.keys(services(doc)));
  return (provisioned.datasources ?? [])
    .filter((datasource: Doc) => !names.has(hostOf(String(datasource.url))))
    .map((datasource: Doc) => `datasource ${datasource.name} points at ${datasource.url}, which is not a compose service`);
}

function collectorProblems(collector: Doc, doc: Doc): string[] {
  const problems: string[] = [];
  const names = new Set(Object.keys(services(doc)));
  for (const [pipeline, definition] of Object.entries<Doc>(collector.service?.pipelines ?? {})) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const component of definition[kind] ?? []) {
        if (!(component in (collector[kind] ?? {}))) problems.push(`pipeline ${pipeline} uses ${kind.slice(0, -1)} ${component}, which is not configured`);
      }
    }
  }
  for (const extension of collector.service?.extensions ?? []) {
    if (!(extension in (collector.extensions ?? {}))) problems.push(`extension ${extension} is enabled but not configured`);
  }
  for (const [exporter, definition] of Object.entries<Doc>(collector.exporters ?? {})) {
    const endpoint = definition?.endpoint;
    if (exporter.startsWith('otlp') && endpoint && !names.has(hostOf(String(endpoint)))) problems.push(`exporter ${exporter} sends to ${endpoint}, which is not a compose service`);
  }
  const signals = Object.keys(collector.service?.pipelines ?? {}).map((key) => key.split('/')[0]);
  for (const signal of ['traces', 'metrics', 'logs']) if (!signals.includes(signal)) problems.push(`no ${signal} pipeline`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Gateway
// ---------------------------------------------------------------------------------------------

function apisixProblems(config: Doc, routesText: string, routes: Doc, doc: Doc): string[] {
  const problems: string[] = [];
  if (config.deployment?.role !== 'data_plane') problems.push('config.yaml: deployment.role must be data_plane');
  if (config.deployment?.role_data_plane?.config_provider !== 'yaml') problems.push('config.yaml: deployment.role_data_plane.config_provider must be yaml');
  if (routesText.trimEnd().split('\n').at(-1) !== '#END') problems.push('apisix.yaml must end with the #END line');
  const upstreams = new Map<string, Doc>((routes.upstreams ?? []).map((upstream: Doc) => [String(upstream.id), upstream]));
  for (const upstream of upstreams.values()) {
    for (const node of Object.keys(upstream.nodes ?? {})) {
      const [host, port] = node.split(':');
      const service = services(doc)[host!];
      if (!service) problems.push(`upstream ${upstream.id}: node ${node} is not a compose service`);
      else if (String(service.environment?.THALWEG_PORT) !== port) problems.push(`upstream ${upstream.id}: ${host} listens on ${service.environment?.THALWEG_PORT}, not ${port}`);
    }
  }
  const routeTo = (method: string, path: string) =>
    (routes.routes ?? []).find(
      (route: Doc) =>
        (route.methods ?? []).includes(method) &&
        [...(route.uris ?? []), ...(route.uri ? [route.uri] : [])].some((uri: string) => (uri.endsWith('*') ? path.startsWith(uri.slice(0, -1)) : path === uri)),
    );
  const expectations: Array<[string, string, string]> = [
    ['GET', '/v1/wallets', 'query-api'],
    ['GET', '/v1/wallets/w-1', 'query-api'],
    ['POST', '/v1/wallets', 'command-api'],
    ['POST', '/v1/wallets/w-1/credits', 'command-api'],
    ['POST', '/v1/wallets/w-1/transfers', 'command-api'],
    // A read, but of a command: its outcome is the command side's.
    ['GET', '/v1/commands/c-1', 'command-api'],
  ];
  for (const [method, path, service] of expectations) {
    const route = routeTo(method, path);
    const nodes = Object.keys((route?.upstream ?? upstreams.get(String(route?.upstream_id)))?.nodes ?? {});
    if (!nodes.some((node) => node.startsWith(`${service}:`))) problems.push(`${method} ${path} does not reach ${service}`);
  }
  if (routeTo('DELETE', '/v1/wallets/w-1')) problems.push('DELETE /v1/wallets/... is routed, but only GET and POST should be');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

function dockerfileProblems(text: string, baseDir: string): string[] {
  const problems: string[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim());
  const args = new Map<string, string>();
  for (const line of lines) {
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg) args.set(arg[1]!, arg[2]!);
  }
  for (const line of lines) {
    const from = /^FROM\s+(\S+)/.exec(line);
    if (from) {
      const image = from[1]!.replace(/\$\{(\w+)\}/g, (_all, name: string) => args.get(name) ?? '');
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      if (!tag || tag === 'latest') problems.push(`FROM ${from[1]} is not pinned`);
    }
    const copy = /^COPY\s+(?!--from)(.+)$/.exec(line);
    if (copy) {
      const parts = copy[1]!.split(/\s+/).filter((part) => !part.startsWith('--'));
      for (const source of parts.slice(0, -1)) if (!existsSync(join(baseDir, source))) problems.push(`COPY ${source}: not in the build context`);
    }
  }
  if (!lines.some((line) => line.startsWith('CMD') && line.includes('node --import tsx') && line.includes('services/${APP_SERVICE}/src/main.ts'))) {
    problems.push('CMD must run node --import tsx services/<SERVICE>/src/main.ts');
  }
  return problems;
}

function buildProblems(doc: Doc): string[] {
  return Object.entries(services(doc)).flatMap(([name, service]) => {
    if (!service.build) return [];
    const problems: string[] = [];
    const context = resolve(composeDir, service.build.context ?? '.');
    const dockerfile = join(context, service.build.dockerfile ?? 'Dockerfile');
    if (!existsSync(dockerfile)) problems.push(`${name}: Dockerfile ${dockerfile} not found`);
    const target = service.build.args?.SERVICE;
    if (!target || !/^[a-z][a-z0-9-]*$/.test(String(target))) problems.push(`${name}: build arg SERVICE must name a directory under services/`);
    return problems;
  });
}

// ---------------------------------------------------------------------------------------------
// Tests: the real configuration
// ---------------------------------------------------------------------------------------------

const prometheus = readYaml(join(repoRoot, 'observability/prometheus/prometheus.yml'));
const datasources = readYaml(join(repoRoot, 'observability/grafana/provisioning/datasources/datasources.yaml'));
const dashboardProviders = readYaml(join(repoRoot, 'observability/grafana/provisioning/dashboards/dashboards.yaml'));
const collector = readYaml(join(repoRoot, 'observability/otel-collector/config.yaml'));
const promtail = readYaml(join(repoRoot, 'observability/promtail/promtail.yaml'));
const rulesDir = join(repoRoot, 'observability/prometheus/rules');
const apisixConfig = readYaml(join(composeDir, 'config/apisix/config.yaml'));
const apisixRoutesText = readFileSync(join(composeDir, 'config/apisix/apisix.yaml'), 'utf8');
const apisixRoutes = readYaml(join(composeDir, 'config/apisix/apisix.yaml'));
const dashboardPath = join(repoRoot, 'observability/grafana/dashboards/thalweg-overview.json');
const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as Doc;

describe('compose file', () => {
  it('parses, and every YAML config file it mounts parses', () => {
    assert.ok(Object.keys(services(compose)).length > 0);
    for (const service of Object.values(services(compose))) {
      for (const source of bindMountSources(service)) {
        const path = resolve(composeDir, source);
        if (existsSync(path) && statSync(path).isFile() && /\.ya?ml$/.test(path)) assert.doesNotThrow(() => readYaml(path), path);
      }
    }
  });

  it('runs the platform DESIGN §4 lists', () => {
    const expected = [
      'kafka-1', 'kafka-2', 'kafka-3', 'apicurio', 'kafka-ui', 'postgres', 'mongo', 'redis', 'typesense', 'keycloak', 'opa', 'apisix',
      'prometheus', 'grafana', 'loki', 'tempo', 'otel-collector', 'kafka-exporter', 'postgres-exporter', 'redis-exporter',
      'kafka-init', 'init', 'command-api', 'query-api', 'projector-postgres', 'ledger-processor',
    ];
    assert.deepEqual(expected.filter((name) => !(name in services(compose))), []);
  });

  it('names only existing services in depends_on', () => assert.deepEqual(missingDependsOnTargets(compose), []));
  it('waits for health (or a clean exit of one-shot jobs) in every depends_on', () => assert.deepEqual(weakDependencies(compose), []));
  it('gives every long-running container a healthcheck', () => assert.deepEqual(longRunningWithoutHealthcheck(compose), []));
  it('pins every image tag', () => assert.deepEqual(unpinnedImages(compose), []));
  it('mounts only files and directories that are in the repository', () => assert.deepEqual(missingMountSources(compose, composeDir), []));
  it('declares every named volume', () => assert.deepEqual(undeclaredNamedVolumes(compose), []));
  it('publishes each host port once', () => assert.deepEqual(duplicateHostPorts(compose), []));
  it('publishes host ports on 127.0.0.1 only', () => {
    assert.deepEqual(hostPorts(compose).filter((port) => port.ip !== '127.0.0.1').map((port) => `${port.service}:${port.hostPort}`), []);
  });
  it('mounts the probe wherever a healthcheck uses it', () => assert.deepEqual(probeWithoutVolume(compose), []));
  it('sets only THALWEG_ variables the platform reads', () => assert.deepEqual(unknownThalwegVariables(compose), []));
  it('binds, publishes and health-checks each service on the port it listens on', () => assert.deepEqual(listenPortMismatches(compose), []));
  it('builds the Thalweg services from compose/Dockerfile.service', () => assert.deepEqual(buildProblems(compose), []));

  it('interpolates only variables that .env.example lists, and lists only variables in use', () => {
    const used = interpolatedVariables(rawCompose);
    assert.deepEqual([...used].filter((name) => !envExample.has(name)), [], 'used in docker-compose.yml, missing from .env.example');
    assert.deepEqual([...envExample.keys()].filter((name) => !used.has(name)), [], 'listed in .env.example, unused');
  });

  it('runs the ledger processor on Kafka and the registry alone, and makes nothing wait for it', () => {
    const processor = services(compose)['ledger-processor']!;
    assert.deepEqual(Object.keys(processor.environment).filter((key) => key.startsWith('THALWEG_')).sort(), [
      'THALWEG_HOST', 'THALWEG_KAFKA_BROKERS', 'THALWEG_KAFKA_PASSWORD', 'THALWEG_KAFKA_USERNAME', 'THALWEG_LOG_LEVEL', 'THALWEG_PORT', 'THALWEG_REGISTRY_URL',
    ]);
    for (const broker of brokerNames(compose)) assert.equal(dependencies(processor)[broker]?.condition, 'service_healthy', broker);
    assert.equal(dependencies(processor).apicurio?.condition, 'service_healthy');
    // Like the projectors: the APIs serve while it is down, their commands pending on the log.
    assert.deepEqual(Object.entries(services(compose)).filter(([, service]) => 'ledger-processor' in dependencies(service)).map(([name]) => name), []);
  });

  it('has a realm-import directory for Keycloak', () => {
    assert.ok(existsSync(join(composeDir, 'config/keycloak/realm-import/README.md')));
  });

  it('checks the mounts that other work fills, once they exist', (t) => {
    for (const [source, reason] of mountsFilledElsewhere) {
      const path = resolve(composeDir, source);
      if (existsSync(path)) assert.ok(statSync(path).isDirectory(), `${source} must be a directory`);
      else t.diagnostic(`${source} is not in the tree yet: ${reason}`);
    }
  });

  it('waits for the init job before starting the services that use topics and schemas', () => {
    for (const name of ['command-api', 'query-api', 'projector-postgres', 'ledger-processor']) {
      assert.equal(dependencies(services(compose)[name]!).init?.condition, 'service_completed_successfully', name);
    }
    const init = services(compose).init!;
    assert.equal(dependencies(init)['kafka-init']?.condition, 'service_completed_successfully', 'init grants ACLs to principals kafka-init created');
    for (const broker of brokerNames(compose)) assert.equal(dependencies(init)[broker]?.condition, 'service_healthy', broker);
    assert.equal(dependencies(init).apicurio?.condition, 'service_healthy');
    const command = [init.command].flat().join(' ');
    assert.match(command, /node --import tsx services\/cli\/src\/main\.ts topics apply/);
    assert.match(command, /node --import tsx services\/cli\/src\/main\.ts schemas register/);
  });
});

describe('Kafka', () => {
  it('runs three KRaft combined nodes with RF 3, min ISR 2 and no auto-created topics', () => assert.deepEqual(kafkaProblems(compose), []));
  it('gives the Thalweg services every broker', () => assert.deepEqual(brokerListProblems(compose), []));
  it('publishes the brokers on 9092, 9093 and 9094', () => {
    assert.deepEqual(hostPorts(compose).filter((port) => brokerNames(compose).includes(port.service)).map((port) => port.hostPort).sort(), [9092, 9093, 9094]);
  });
});

describe('schema registry and Kafka UI', () => {
  it('stores Apicurio in PostgreSQL and exposes its Confluent API as the registry URL', () => {
    const apicurio = services(compose).apicurio!;
    assert.equal(apicurio.environment.APICURIO_STORAGE_KIND, 'sql');
    assert.equal(apicurio.environment.APICURIO_STORAGE_SQL_KIND, 'postgresql');
    assert.match(apicurio.environment.APICURIO_DATASOURCE_URL, /^jdbc:postgresql:\/\/postgres:5432\/apicurio$/);
    const initScript = readFileSync(join(composeDir, 'config/postgres/initdb/100-apicurio-database.sh'), 'utf8');
    assert.match(initScript, /CREATE DATABASE apicurio\b/);
    for (const [name, service] of Object.entries(services(compose))) {
      const url = service.environment?.THALWEG_REGISTRY_URL;
      if (url !== undefined) assert.equal(url, 'http://apicurio:8080/apis/ccompat/v7', name);
    }
    const kafkaUi = readYaml(join(composeDir, 'config/kafka-ui/config.yml'));
    assert.equal(kafkaUi.kafka.clusters[0].schemaRegistry, 'http://apicurio:8080/apis/ccompat/v7');
  });
});

describe('gateway', () => {
  it('is declarative and routes wallet reads to query-api, wallet commands and command outcomes to command-api', () => {
    assert.deepEqual(apisixProblems(apisixConfig, apisixRoutesText, apisixRoutes, compose), []);
  });
});

describe('observability', () => {
  it('scrapes only compose services', () => assert.deepEqual(prometheusTargetProblems(prometheus, compose), []));
  it('scrapes the exporters, the collector, APISIX, Promtail and the Thalweg services', () => {
    const targets = (prometheus.scrape_configs as Doc[]).flatMap((job) => (job.static_configs ?? []).flatMap((config: Doc) => config.targets.map(hostOf)));
    for (const name of ['kafka-exporter', 'postgres-exporter', 'redis-exporter', 'otel-collector', 'apisix', 'promtail', 'command-api', 'query-api']) assert.ok(targets.includes(name), name);
  });
  it('scrapes every Thalweg service on its port, with its name as the service label', () => {
    assert.deepEqual(thalwegScrapeProblems(prometheus, compose), []);
    assert.ok(thalwegServices(compose).length >= 7, 'the APIs, the projectors and the processor');
  });
  it('loads every alert rule file, and none of their unit tests', () => {
    assert.deepEqual(ruleFileProblems(prometheus, compose, rulesDir), []);
    assert.ok((prometheus.rule_files as string[]).length > 0);
  });
  it('ships the Thalweg services\' logs to Loki, labelled by service and level only', () => {
    assert.deepEqual(promtailProblems(promtail, compose), []);
    for (const label of ['service', 'level']) assert.ok(promtailLabels(promtail).has(label), label);
  });
  it('queries Loki by the labels Promtail sets', () => {
    const selectors = lokiSelectorLabels(dashboard);
    assert.ok(selectors.size > 0, 'the dashboard has a Loki query');
    assert.deepEqual([...selectors].filter((label) => !promtailLabels(promtail).has(label)), []);
  });
  it('links log lines to traces and traces to log lines', () => {
    const byType = new Map((datasources.datasources as Doc[]).map((datasource) => [datasource.type, datasource]));
    const traceField = (byType.get('loki')!.jsonData.derivedFields as Doc[]).find((field) => field.matcherRegex === 'trace_id')!;
    assert.equal(traceField.datasourceUid, byType.get('tempo')!.uid);
    assert.equal(byType.get('tempo')!.jsonData.tracesToLogsV2.datasourceUid, byType.get('loki')!.uid);
    assert.ok((byType.get('tempo')!.jsonData.tracesToLogsV2.tags as Doc[]).some((tag) => promtailLabels(promtail).has(tag.value)), 'a span tag maps to a Promtail label');
  });
  it('provisions Prometheus, Loki and Tempo at compose service URLs', () => {
    assert.deepEqual((datasources.datasources as Doc[]).map((datasource) => datasource.type).sort(), ['loki', 'prometheus', 'tempo']);
    assert.deepEqual(datasourceUrlProblems(datasources, compose), []);
  });
  it('has a dashboard that parses and uses only provisioned datasources', () => {
    assert.equal(dashboard.title, 'Thalweg overview');
    assert.deepEqual(dashboardDatasourceProblems(dashboard, datasources), []);
    const provider = (dashboardProviders.providers as Doc[])[0]!;
    const grafanaMounts: string[] = services(compose).grafana!.volumes.filter((volume: unknown) => typeof volume === 'string');
    assert.ok(grafanaMounts.some((volume) => volume.endsWith(`:${provider.options.path}:ro`)), 'the provider path is where the dashboards are mounted');
  });
  it('wires the collector: OTLP in, traces to Tempo, metrics to Prometheus, logs to Loki', () => {
    assert.deepEqual(collectorProblems(collector, compose), []);
    const pipelines = collector.service.pipelines as Doc;
    assert.equal(collector.exporters[pipelines.traces.exporters[0]].endpoint, 'tempo:4317');
    assert.ok(pipelines.metrics.exporters.includes('prometheus'));
    assert.match(collector.exporters[pipelines.logs.exporters[0]].endpoint, /^http:\/\/loki:3100\/otlp$/);
  });
});

describe('Dockerfile.service', () => {
  it('is pinned, copies only what exists and runs the selected service through tsx', () => {
    assert.deepEqual(dockerfileProblems(readFileSync(join(composeDir, 'Dockerfile.service'), 'utf8'), repoRoot), []);
  });
});

describe('Thalweg services read their compose environment', () => {
  /** The THALWEG_ part of a service's environment, as its process sees it. */
  const thalwegEnv = (service: Doc): NodeJS.ProcessEnv =>
    Object.fromEntries(Object.entries(service.environment ?? {}).filter(([key]) => key.startsWith('THALWEG_')).map(([key, value]) => [key, String(value)]));

  /** Each service's own `loadConfig(env)` from services/<name>/src/config.ts, when it is in the tree. */
  async function configReader(target: string): Promise<((env: NodeJS.ProcessEnv) => Doc) | string> {
    const path = join(repoRoot, 'services', target, 'src', 'config.ts');
    if (!existsSync(path)) return `services/${target}/src/config.ts is not in the tree`;
    const module = (await import(pathToFileURL(path).href)) as Doc;
    return typeof module.loadConfig === 'function' ? module.loadConfig : `services/${target}/src/config.ts exports no loadConfig(env)`;
  }

  for (const [name, service] of Object.entries(services(compose)).filter(([, definition]) => definition.build?.args?.SERVICE !== 'cli' && definition.build)) {
    it(`${name}: its config reader accepts the environment and listens where the compose file expects`, async (t) => {
      const loadConfig = await configReader(String(service.build.args.SERVICE));
      if (typeof loadConfig === 'string') {
        t.skip(`${loadConfig}; checked against the platform settings only`);
        return;
      }
      const env = thalwegEnv(service);
      const config = loadConfig(env);
      assert.equal(config.port, Number(env.THALWEG_PORT));
      assert.equal(config.host, '0.0.0.0');
    });
  }

  it('notices a THALWEG_ variable no service reads (a typo)', async (t) => {
    const loadConfig = await configReader('query-api');
    if (typeof loadConfig === 'string') {
      t.skip(loadConfig);
      return;
    }
    const env = { ...thalwegEnv(services(compose)['query-api']!), THALWEG_KAFKA_BROKRS: 'kafka-1:19092' };
    assert.throws(() => loadConfig(env), /THALWEG_KAFKA_BROKRS/);
  });
});

// ---------------------------------------------------------------------------------------------
// Tests: each check notices the property breaking
// ---------------------------------------------------------------------------------------------

describe('the checks catch', () => {
  it('a depends_on target that does not exist', () => {
    const broken = clone(compose);
    broken.services['query-api'].depends_on.ghost = { condition: 'service_healthy' };
    assert.deepEqual(missingDependsOnTargets(broken), ['query-api depends on unknown service ghost']);
  });

  it('a depends_on that only waits for a start, or waits for a service without healthcheck', () => {
    const broken = clone(compose);
    broken.services['query-api'].depends_on.postgres = { condition: 'service_started' };
    delete broken.services.redis.healthcheck;
    const problems = weakDependencies(broken);
    assert.ok(problems.includes('query-api -> postgres: condition service_started, expected service_healthy'));
    assert.ok(problems.includes('command-api waits for redis to be healthy but redis has no healthcheck'));
  });

  it('a long-running container without healthcheck', () => {
    const broken = clone(compose);
    delete broken.services.mongo.healthcheck;
    assert.deepEqual(longRunningWithoutHealthcheck(broken), ['mongo runs continuously but has no healthcheck']);
  });

  it('an image on latest or without tag', () => {
    const broken = clone(compose);
    broken.services.redis.image = 'redis:latest';
    broken.services.mongo.image = 'mongo';
    assert.deepEqual(unpinnedImages(broken), ['mongo image mongo is not pinned to a version tag', 'redis image redis:latest is not pinned to a version tag']);
  });

  it('a mounted file that is not in the repository', () => {
    const broken = clone(compose);
    broken.services.prometheus.volumes[0] = '../observability/prometheus/missing.yml:/etc/prometheus/prometheus.yml:ro';
    assert.deepEqual(missingMountSources(broken, composeDir), ['prometheus mounts ../observability/prometheus/missing.yml, which is not in the repository']);
  });

  it('an undeclared named volume', () => {
    const broken = clone(compose);
    delete broken.volumes['redis-data'];
    assert.deepEqual(undeclaredNamedVolumes(broken), ['redis uses volume redis-data, which is not declared under volumes:']);
  });

  it('a host port published twice', () => {
    const broken = clone(compose);
    broken.services.grafana.ports.push('127.0.0.1:5432:5432');
    assert.deepEqual(duplicateHostPorts(broken), ['host port 5432/tcp is published by postgres and grafana']);
  });

  it('a probe healthcheck without the probe volume or before prepare ran', () => {
    const broken = clone(compose);
    broken.services.opa.volumes = ['../policies:/policies:ro'];
    delete broken.services.opa.depends_on.prepare;
    assert.deepEqual(probeWithoutVolume(broken), [
      'opa healthcheck runs /probe/busybox without mounting the probe volume',
      'opa healthcheck runs /probe/busybox before prepare has copied it',
    ]);
  });

  it('a THALWEG_ variable no setting reads', () => {
    const broken = clone(compose);
    broken.services['command-api'].environment.THALWEG_KAFKA_BROKER = 'kafka-1:19092';
    assert.deepEqual(unknownThalwegVariables(broken), ['command-api sets THALWEG_KAFKA_BROKER, which no platform setting reads']);
  });

  it('a service published or health-checked on another port than it listens on', () => {
    const broken = clone(compose);
    broken.services['query-api'].environment.THALWEG_PORT = 4003;
    assert.deepEqual(listenPortMismatches(broken), ['query-api listens on 4003 but publishes 4002', 'query-api healthcheck does not ask port 4003']);
  });

  it('a broker that advertises the wrong host port, or a weaker durability setting', () => {
    const broken = clone(compose);
    broken.services['kafka-2'].environment.KAFKA_ADVERTISED_LISTENERS = 'INTERNAL://kafka-2:19092,HOST://localhost:9092';
    broken.services['kafka-3'].environment.KAFKA_MIN_INSYNC_REPLICAS = 1;
    assert.deepEqual(kafkaProblems(broken), [
      'kafka-2: HOST listener advertises 9092 but publishes 9093',
      'kafka-3: KAFKA_MIN_INSYNC_REPLICAS=1, expected 2',
    ]);
  });

  it('a service that misses a broker', () => {
    const broken = clone(compose);
    broken.services.init.environment.THALWEG_KAFKA_BROKERS = 'kafka-1:19092';
    assert.equal(brokerListProblems(broken).length, 1);
  });

  it('a scrape target that is not a compose service', () => {
    const broken = clone(prometheus);
    broken.scrape_configs.push({ job_name: 'stray', static_configs: [{ targets: ['localhost:9999'] }] });
    assert.deepEqual(prometheusTargetProblems(broken, compose), ['scrape job stray: target localhost:9999 is not a compose service']);
  });

  it('a Thalweg service not scraped, scraped on another port, or without its service label', () => {
    const broken = clone(prometheus);
    const job = broken.scrape_configs.find((candidate: Doc) => candidate.job_name === 'thalweg-services');
    job.static_configs = job.static_configs.filter((config: Doc) => !config.targets.includes('ledger-processor:4014'));
    job.static_configs.find((config: Doc) => config.targets.includes('query-api:4002')).labels = {};
    job.static_configs.find((config: Doc) => config.targets.includes('search-api:4003')).targets = ['search-api:4030'];
    assert.deepEqual(thalwegScrapeProblems(broken, compose), [
      'thalweg-services scrapes query-api:4002 with service=(none), expected query-api',
      'thalweg-services does not scrape search-api:4003',
      'thalweg-services does not scrape ledger-processor:4014',
      "thalweg-services scrapes search-api:4030, which is no Thalweg service's port",
    ]);
  });

  it('a rule file not loaded, a unit test loaded as rules, the rules directory not mounted', () => {
    const broken = clone(prometheus);
    broken.rule_files = ['rules/thalweg.test.yml', 'rules/missing.yml'];
    const unmounted = clone(compose);
    unmounted.services.prometheus.volumes = unmounted.services.prometheus.volumes.filter((volume: unknown) => !String(volume).includes('/rules:'));
    assert.deepEqual(ruleFileProblems(broken, unmounted, rulesDir), [
      'prometheus does not mount observability/prometheus/rules at /etc/prometheus/rules (read-only)',
      'rule_files lists rules/thalweg.test.yml, a unit test file',
      'rule_files does not list rules/thalweg.yml',
      'rule_files lists rules/missing.yml, which is no file of observability/prometheus/rules',
    ]);
  });

  it('promtail dropping a Thalweg service, keeping another container, or labelling by trace', () => {
    const broken = clone(promtail);
    const job = broken.scrape_configs[0];
    job.relabel_configs.find((rule: Doc) => rule.action === 'keep').regex = 'command-api|query-api|search-api|projector-.*|kafka-1';
    job.pipeline_stages.find((stage: Doc) => stage.labels).labels.trace_id = null;
    assert.deepEqual(promtailProblems(broken, compose), [
      'promtail keeps the logs of kafka-1, which is no Thalweg service',
      'promtail drops the logs of ledger-processor',
      'promtail makes trace_id a label: a stream per trace',
    ]);
  });

  it('a Loki query by a label Promtail does not set', () => {
    const broken = clone(dashboard);
    broken.panels.push({ type: 'logs', targets: [{ datasource: { type: 'loki', uid: 'loki' }, expr: '{service_name="command-api"} |= "error"' }] });
    assert.ok(lokiSelectorLabels(broken).has('service_name'));
    assert.ok(!promtailLabels(promtail).has('service_name'));
  });

  it('a dashboard datasource that is not provisioned', () => {
    const broken = clone(dashboard);
    broken.panels.push({ type: 'timeseries', datasource: { type: 'influxdb', uid: 'influx' }, targets: [] });
    assert.deepEqual(dashboardDatasourceProblems(broken, datasources), ['dashboard thalweg-overview uses datasource influx, which is not provisioned']);
  });

  it('a collector pipeline that uses an unconfigured exporter', () => {
    const broken = clone(collector);
    broken.service.pipelines.logs.exporters = ['loki'];
    assert.deepEqual(collectorProblems(broken, compose), ['pipeline logs uses exporter loki, which is not configured']);
  });

  it('a gateway route to the wrong service, and a missing #END', () => {
    const broken = clone(apisixRoutes);
    broken.routes.find((route: Doc) => route.id === 'wallets-read').upstream_id = 'command-api';
    const problems = apisixProblems(apisixConfig, apisixRoutesText.replace(/^#END\s*$/m, ''), broken, compose);
    assert.deepEqual(problems, ['apisix.yaml must end with the #END line', 'GET /v1/wallets does not reach query-api', 'GET /v1/wallets/w-1 does not reach query-api']);
  });

  it('a Dockerfile COPY of something missing, or an unpinned base image', () => {
    const text = readFileSync(join(composeDir, 'Dockerfile.service'), 'utf8').replace('COPY topics ./topics', 'COPY nowhere ./nowhere').replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest');
    assert.deepEqual(dockerfileProblems(text, repoRoot), ['FROM ${NODE_IMAGE} is not pinned', 'COPY nowhere: not in the build context']);
  });
});

// ---------------------------------------------------------------------------------------------
// The busybox probe, run as the healthchecks run it (needs a local busybox; skipped without one)
// ---------------------------------------------------------------------------------------------

function localBusybox(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'busybox');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function runProcess(command: string, args: string[]): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', resolvePromise);
  });
}

describe('busybox probe healthchecks', () => {
  it('pass on 200 and fail on 503 and on a refused connection, as written in the compose file', async (t) => {
    const busybox = localBusybox();
    if (!busybox) {
      t.skip('no busybox on PATH');
      return;
    }
    const templates = new Set(
      Object.values(services(compose))
        .map((service) => [service.healthcheck?.test ?? []].flat().map(String))
        .filter((test) => test[1] === '/probe/busybox')
        .map((test) => JSON.stringify(test.slice(2, -1))),
    );
    assert.ok(templates.size > 0);
    const server = createHttpServer((request, response) => {
      response.statusCode = request.url === '/ready' ? 200 : 503;
      response.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const closed = createTcpServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    for (const template of templates) {
      const args = JSON.parse(template) as string[];
      assert.equal(await runProcess(busybox, [...args, `http://127.0.0.1:${port}/ready`]), 0, `${args.join(' ')} on 200`);
      assert.equal(await runProcess(busybox, [...args, `http://127.0.0.1:${port}/down`]), 1, `${args.join(' ')} on 503`);
      assert.equal(await runProcess(busybox, [...args, `http://127.0.0.1:${closedPort}/`]), 1, `${args.join(' ')} on a refused connection`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The services' healthcheck script, run as the containers run it
// ---------------------------------------------------------------------------------------------

const healthcheckScript = join(composeDir, 'config/thalweg/healthcheck.mjs');

function runHealthcheck(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [healthcheckScript, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stderr }));
  });
}

describe('healthcheck.mjs', () => {
  it('passes on 2xx and fails on 503, naming the target', async (t) => {
    const server = createHttpServer((request, response) => {
      response.statusCode = request.url === '/readyz' ? 200 : 503;
      response.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    assert.equal((await runHealthcheck(`http://127.0.0.1:${port}/readyz`)).code, 0);
    const failing = await runHealthcheck(`http://127.0.0.1:${port}/readyz`, `http://127.0.0.1:${port}/other`);
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, new RegExp(`unhealthy: http://127.0.0.1:${port}/other: HTTP 503`));
  });

  it('passes when a TCP port accepts and fails when it refuses', async (t) => {
    const server = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    assert.equal((await runHealthcheck(`tcp://127.0.0.1:${port}`)).code, 0);
    const closed = createTcpServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await runHealthcheck(`tcp://127.0.0.1:${port}`, `tcp://127.0.0.1:${closedPort}`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ECONNREFUSED/);
  });

  it('refuses to run without a target', async () => {
    assert.equal((await runHealthcheck()).code, 2);
  });
});
