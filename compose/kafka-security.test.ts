// Compose's Kafka is secured as the native one is: SASL/SCRAM-SHA-512 for clients and brokers,
// PLAIN for the controllers, the StandardAuthorizer, one principal per service with its own
// password, the ACLs from the topic specs. Offline: the start and init scripts run against stand-ins
// of Kafka's tools that record what they were asked, and the native stack's own scripts are run to
// say what "as the native one is" means.
//
// As in compose-config.test.ts, each property is a function returning the problems it finds; a
// second test breaks a copy on purpose and asserts the same function reports it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { desiredAcls, loadTopicSpecs } from '@thalweg/platform/topics';
import { brokerNames, clone, compose, composeDir, dependencies, repoRoot, services, type Doc } from './compose-model.ts';

const startScript = join(composeDir, 'config/kafka/start.sh');
const initScript = join(composeDir, 'config/kafka/init.sh');
const nativeDir = join(repoRoot, 'compose/native');

/** Every service the topic specs name, as producer or consumer group: each is a Kafka principal. */
const specPrincipals = [...new Set(desiredAcls(loadTopicSpecs().all()).bindings.map((binding) => binding.principal.replace(/^User:/, '')))].sort();

const env = (service: Doc): Record<string, string> =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));

/** kafka-init's SCRAM_USERS, name -> password. */
function scramUsers(doc: Doc): Map<string, string> {
  const words = String(services(doc)['kafka-init']?.environment?.SCRAM_USERS ?? '').split(/\s+/).filter(Boolean);
  return new Map(words.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
}

const jaasCredentials = (jaas: string) => ({
  username: /\busername="([^"]*)"/.exec(jaas)?.[1],
  password: /\bpassword="([^"]*)"/.exec(jaas)?.[1],
});

// ---------------------------------------------------------------------------------------------
// Principals
// ---------------------------------------------------------------------------------------------

/** Each spec principal is the compose service of that name, connecting as itself with the password kafka-init gives it. */
function principalProblems(doc: Doc, principals: string[]): string[] {
  const problems: string[] = [];
  const scram = scramUsers(doc);
  const broker = env(services(doc)['kafka-1'] ?? {});
  const admin = broker.SCRAM_ADMIN_USER;
  for (const principal of principals) {
    const entry = Object.entries(services(doc)).find(([, service]) => service.build?.args?.SERVICE === principal);
    if (!entry) {
      problems.push(`${principal} is named by the topic specs but no compose service runs it`);
      continue;
    }
    const [name, service] = entry;
    const { THALWEG_KAFKA_USERNAME: username, THALWEG_KAFKA_PASSWORD: password } = env(service);
    if (username !== principal) problems.push(`${name} connects as ${username ?? 'nobody'}, not as its own principal ${principal}`);
    if (!scram.has(principal)) problems.push(`kafka-init creates no SCRAM credentials for ${principal}`);
    else if (password !== scram.get(principal)) problems.push(`${name}'s THALWEG_KAFKA_PASSWORD is not the password kafka-init sets for ${principal}`);
  }
  for (const [name, service] of Object.entries(services(doc))) {
    const vars = env(service);
    if (vars.THALWEG_KAFKA_BROKERS === undefined) continue;
    if (!vars.THALWEG_KAFKA_USERNAME) problems.push(`${name} reaches Kafka without a principal`);
    else if (vars.THALWEG_KAFKA_USERNAME === admin && name !== 'init') problems.push(`${name} connects as the operator ${admin}`);
  }
  const expected = [...principals, 'kafka-ui', 'kafka-exporter'].sort();
  const created = [...scram.keys()].sort();
  if (created.join(',') !== expected.join(',')) problems.push(`kafka-init creates ${created.join(', ')}; expected ${expected.join(', ')}`);
  const passwords = [...scram.values(), broker.SCRAM_ADMIN_PASSWORD, broker.SCRAM_BROKER_PASSWORD];
  if (new Set(passwords).size !== passwords.length) problems.push('two principals share a password');
  return problems;
}

/** Kafka UI and the exporter: their own principals, the passwords kafka-init sets for them. */
function observerProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const scram = scramUsers(doc);
  const init = env(services(doc)['kafka-init'] ?? {});
  const ui = env(services(doc)['kafka-ui'] ?? {});
  if (ui.CONSOLE_KAFKA_USER !== init.KAFKA_UI_USER) problems.push(`kafka-ui connects as ${ui.CONSOLE_KAFKA_USER}, kafka-init grants ${init.KAFKA_UI_USER}`);
  if (ui.CONSOLE_KAFKA_PASSWORD !== scram.get(init.KAFKA_UI_USER ?? '')) problems.push(`kafka-ui's password is not the one kafka-init sets for ${init.KAFKA_UI_USER}`);
  const flags = new Map(
    [services(doc)['kafka-exporter']?.command ?? []].flat().map((arg: string) => {
      const [flag, ...value] = String(arg).split('=');
      return [flag!, value.join('=')];
    }),
  );
  if (!flags.has('--sasl.enabled') || flags.get('--sasl.mechanism') !== 'scram-sha512') problems.push('kafka-exporter does not authenticate with SCRAM-SHA-512');
  if (flags.get('--sasl.username') !== init.KAFKA_EXPORTER_USER) problems.push(`kafka-exporter connects as ${flags.get('--sasl.username')}, kafka-init grants ${init.KAFKA_EXPORTER_USER}`);
  if (flags.get('--sasl.password') !== scram.get(init.KAFKA_EXPORTER_USER ?? '')) problems.push(`kafka-exporter's password is not the one kafka-init sets for ${init.KAFKA_EXPORTER_USER}`);
  for (const name of ['kafka-ui', 'kafka-exporter']) {
    if (dependencies(services(doc)[name] ?? {})['kafka-init']?.condition !== 'service_completed_successfully') problems.push(`${name} starts before kafka-init created its credentials`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Brokers
// ---------------------------------------------------------------------------------------------

/** SASL on every listener, SCRAM for clients and brokers, PLAIN for controllers, two super users, ACLs enforced. */
function brokerSecurityProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const init = env(services(doc).init ?? {});
  const kafkaInit = env(services(doc)['kafka-init'] ?? {});
  for (const name of brokerNames(doc)) {
    const vars = env(services(doc)[name]!);
    const report = (message: string) => problems.push(`${name}: ${message}`);
    const protocols = new Map(String(vars.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((pair) => pair.split(':') as [string, string]));
    const listeners = String(vars.KAFKA_LISTENERS ?? '').split(',').map((listener) => listener.split(':')[0]!);
    const controller = String(vars.KAFKA_CONTROLLER_LISTENER_NAMES);
    for (const listener of listeners) {
      if (protocols.get(listener) !== 'SASL_PLAINTEXT') report(`listener ${listener} is ${protocols.get(listener) ?? 'unmapped'}, not SASL_PLAINTEXT`);
      const mechanism = listener === controller ? 'PLAIN' : 'SCRAM-SHA-512';
      if (vars[`KAFKA_LISTENER_NAME_${listener}_SASL_ENABLED_MECHANISMS`] !== mechanism) report(`listener ${listener} does not enable exactly ${mechanism}`);
      const jaas = vars[`KAFKA_LISTENER_NAME_${listener}_${mechanism.replaceAll('-', '___')}_SASL_JAAS_CONFIG`] ?? '';
      const { username, password } = jaasCredentials(jaas);
      if (username !== vars.SCRAM_BROKER_USER || password !== vars.SCRAM_BROKER_PASSWORD) report(`listener ${listener} does not log in as ${vars.SCRAM_BROKER_USER} with its password`);
      if (listener === controller && !jaas.includes(`user_${vars.SCRAM_BROKER_USER}="${vars.SCRAM_BROKER_PASSWORD}"`)) report('the controller listener does not know the nodes\' static user');
    }
    if (vars.KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL !== 'SCRAM-SHA-512') report('brokers do not talk SCRAM-SHA-512 to each other');
    if (vars.KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL !== 'PLAIN') report('the controllers are not reached with PLAIN');
    if (vars.KAFKA_AUTHORIZER_CLASS_NAME !== 'org.apache.kafka.metadata.authorizer.StandardAuthorizer') report('no StandardAuthorizer');
    if (vars.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND !== 'false') report('allows what no ACL allows');
    const superUsers = String(vars.KAFKA_SUPER_USERS ?? '').split(';').sort().join(';');
    const expected = [`User:${vars.SCRAM_ADMIN_USER}`, `User:${vars.SCRAM_BROKER_USER}`].sort().join(';');
    if (superUsers !== expected) report(`super users ${vars.KAFKA_SUPER_USERS}, expected ${expected}`);
    if (kafkaInit.SCRAM_ADMIN_USER !== vars.SCRAM_ADMIN_USER || kafkaInit.SCRAM_ADMIN_PASSWORD !== vars.SCRAM_ADMIN_PASSWORD) report('kafka-init does not connect as the operator the storage was formatted with');
    if (init.THALWEG_KAFKA_USERNAME !== vars.SCRAM_ADMIN_USER || init.THALWEG_KAFKA_PASSWORD !== vars.SCRAM_ADMIN_PASSWORD) report('init does not apply the topics as the operator');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The scripts, run against stand-ins of Kafka's tools
// ---------------------------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), 'thalweg-compose-kafka-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A Kafka home whose tools record their arguments (one per line, after a `--- <tool>` line) and, for `--command-config`, that file. */
function fakeKafkaHome(name: string, { failing = '' } = {}): { home: string; log: string } {
  const home = join(scratch, name);
  const log = join(home, 'calls.log');
  mkdirSync(join(home, 'bin'), { recursive: true });
  for (const tool of ['kafka-storage.sh', 'kafka-server-start.sh', 'kafka-configs.sh', 'kafka-acls.sh']) {
    const path = join(home, 'bin', tool);
    writeFileSync(
      path,
      [
        '#!/bin/sh',
        `{ echo "--- ${tool}"; for arg in "$@"; do printf '%s\\n' "$arg"; done; } >> "${log}"`,
        `prev=""; for arg in "$@"; do if [ "$prev" = "--command-config" ]; then { echo "--- command-config"; cat "$arg"; } >> "${log}"; fi; prev="$arg"; done`,
        tool === failing ? 'exit 1' : 'exit 0',
        '',
      ].join('\n'),
    );
    chmodSync(path, 0o755);
  }
  return { home, log };
}

/** The recorded calls: tool name and its arguments, in order. */
function calls(log: string): { tool: string; args: string[] }[] {
  if (!existsSync(log)) return [];
  const result: { tool: string; args: string[] }[] = [];
  for (const line of readFileSync(log, 'utf8').replace(/\n$/, '').split('\n')) {
    if (line.startsWith('--- ')) result.push({ tool: line.slice(4), args: [] });
    else result.at(-1)?.args.push(line);
  }
  return result;
}

function runScript(script: string, args: string[], vars: Record<string, string>) {
  return spawnSync('sh', [script, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars }, encoding: 'utf8' });
}

function readProperties(path: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    properties.set(line.slice(0, at), line.slice(at + 1));
  }
  return properties;
}

/** Runs start.sh as a broker's container would, with that broker's environment. */
function startBroker(name: string, vars: Record<string, string>) {
  const { home, log } = fakeKafkaHome(name);
  const configDir = join(home, 'config');
  mkdirSync(configDir, { recursive: true });
  const result = runScript(startScript, [home, configDir], vars);
  const serverConfig = join(configDir, 'thalweg-server.properties');
  return { result, log, configDir, serverConfig, properties: existsSync(serverConfig) ? readProperties(serverConfig) : new Map<string, string>() };
}

/** The native stack's own answers, from its scripts: principals, super users, a 3-node broker's properties. */
function nativeKafka() {
  const home = join(scratch, 'native-home');
  mkdirSync(join(home, 'data/kafka'), { recursive: true });
  const script = [
    'set -euo pipefail',
    `source "${nativeDir}/lib.sh"`,
    `source "${nativeDir}/components/kafka.sh"`,
    'echo "admin=$KAFKA_ADMIN"',
    'echo "broker=$KAFKA_BROKER_PRINCIPAL"',
    'echo "principals=$(kafka_service_principals | paste -sd, -)"',
    '_kafka_write_config kafka-1',
    'echo "config=$KAFKA_DATA/kafka-1.properties"',
  ].join('\n');
  const result = spawnSync('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', THALWEG_HOME: home, BROKERS: '3' }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const values = new Map(result.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  return {
    admin: values.get('admin')!,
    broker: values.get('broker')!,
    principals: values.get('principals')!.split(',').filter(Boolean).sort(),
    properties: readProperties(values.get('config')!),
  };
}

/** Settings the compose brokers must share with the native ones, whatever the listener names. */
const sharedSettings = [
  'process.roles', 'controller.listener.names', 'sasl.mechanism.inter.broker.protocol', 'sasl.mechanism.controller.protocol',
  'authorizer.class.name', 'allow.everyone.if.no.acl.found', 'num.partitions', 'default.replication.factor', 'min.insync.replicas',
  'offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr',
  'share.coordinator.state.topic.replication.factor', 'share.coordinator.state.topic.min.isr', 'auto.create.topics.enable',
  'delete.topic.enable', 'group.initial.rebalance.delay.ms',
];

function parityProblems(composeProperties: Map<string, string>, native: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const key of sharedSettings) {
    if (composeProperties.get(key) !== native.get(key)) problems.push(`${key}: compose ${composeProperties.get(key) ?? '(unset)'}, native ${native.get(key) ?? '(unset)'}`);
  }
  const superUsers = (value = '') => value.split(';').sort().join(';');
  if (superUsers(composeProperties.get('super.users')) !== superUsers(native.get('super.users'))) problems.push(`super.users: compose ${composeProperties.get('super.users')}, native ${native.get('super.users')}`);
  // Per listener: the protocol and mechanisms of the native client listener and controller listener.
  const protocolMap = (properties: Map<string, string>) => new Map(String(properties.get('listener.security.protocol.map') ?? '').split(',').map((pair) => pair.split(':') as [string, string]));
  const nativeProtocols = protocolMap(native);
  const nativeController = native.get('controller.listener.names')!;
  const nativeClient = [...nativeProtocols.keys()].find((name) => name !== nativeController)!;
  for (const [listener, protocol] of protocolMap(composeProperties)) {
    const counterpart = listener === composeProperties.get('controller.listener.names') ? nativeController : nativeClient;
    if (protocol !== nativeProtocols.get(counterpart)) problems.push(`listener ${listener}: ${protocol}, native ${counterpart} is ${nativeProtocols.get(counterpart)}`);
    const mechanisms = composeProperties.get(`listener.name.${listener.toLowerCase()}.sasl.enabled.mechanisms`);
    const nativeMechanisms = native.get(`listener.name.${counterpart.toLowerCase()}.sasl.enabled.mechanisms`);
    if (mechanisms !== nativeMechanisms) problems.push(`listener ${listener} enables ${mechanisms}, native ${counterpart} ${nativeMechanisms}`);
  }
  return problems;
}

const broker1 = env(services(compose)['kafka-1']!);
const started = startBroker('kafka-1', broker1);
const native = nativeKafka();

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('Kafka principals', () => {
  it('runs every service the topic specs name as its own principal, with the password kafka-init gives it', () => {
    assert.ok(specPrincipals.length >= 5, `principals from the specs: ${specPrincipals.join(', ')}`);
    assert.deepEqual(principalProblems(compose, specPrincipals), []);
  });

  it('names the same service principals and super users as the native stack', () => {
    assert.deepEqual(specPrincipals, native.principals);
    assert.equal(broker1.SCRAM_ADMIN_USER, native.admin);
    assert.equal(broker1.SCRAM_BROKER_USER, native.broker);
  });

  it('gives Kafka UI and the exporter principals of their own', () => assert.deepEqual(observerProblems(compose), []));
});

describe('Kafka brokers', () => {
  it('authenticate every listener with SASL and enforce ACLs', () => assert.deepEqual(brokerSecurityProblems(compose), []));

  it('start.sh writes every KAFKA_ setting as the property the image would, and none of the JVM ones', () => {
    assert.equal(started.result.status, 0, started.result.stderr);
    const expected = new Map(
      Object.entries(broker1)
        .filter(([key]) => key.startsWith('KAFKA_') && key !== 'KAFKA_HEAP_OPTS')
        .map(([key, value]) => [key.slice('KAFKA_'.length).toLowerCase().replaceAll('___', '-').replaceAll('__', '\0').replaceAll('_', '.').replaceAll('\0', '_'), value]),
    );
    assert.deepEqual(started.properties, expected);
    assert.equal(started.properties.get('listener.name.internal.scram-sha-512.sasl.jaas.config'), broker1.KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG);
    assert.ok(!started.properties.has('heap.opts'));
    assert.equal(statSync(started.serverConfig).mode & 0o077, 0, 'the properties hold passwords: owner only');
  });

  it('start.sh formats the storage with the SCRAM credentials of the nodes and the operator, then starts the node', () => {
    const [format, start] = calls(started.log);
    assert.equal(format?.tool, 'kafka-storage.sh');
    assert.deepEqual(format.args.slice(0, 6), ['format', '--cluster-id', broker1.CLUSTER_ID, '--config', started.serverConfig, '--ignore-formatted']);
    assert.ok(format.args.includes(`SCRAM-SHA-512=[name=${broker1.SCRAM_BROKER_USER},password=${broker1.SCRAM_BROKER_PASSWORD}]`));
    assert.ok(format.args.includes(`SCRAM-SHA-512=[name=${broker1.SCRAM_ADMIN_USER},password=${broker1.SCRAM_ADMIN_PASSWORD}]`));
    assert.deepEqual(start, { tool: 'kafka-server-start.sh', args: [started.serverConfig] });
  });

  it('start.sh writes the client settings the healthcheck uses, as the nodes\' principal', () => {
    const healthcheck = [services(compose)['kafka-1']!.healthcheck.test].flat().join(' ');
    assert.match(healthcheck, /--command-config \/opt\/kafka\/config\/thalweg-healthcheck\.properties/);
    const client = readProperties(join(started.configDir, 'thalweg-healthcheck.properties'));
    assert.equal(client.get('security.protocol'), 'SASL_PLAINTEXT');
    assert.equal(client.get('sasl.mechanism'), 'SCRAM-SHA-512');
    assert.deepEqual(jaasCredentials(client.get('sasl.jaas.config')!), { username: broker1.SCRAM_BROKER_USER, password: broker1.SCRAM_BROKER_PASSWORD });
    for (const name of brokerNames(compose)) {
      const service = services(compose)[name]!;
      assert.deepEqual(service.command, ['sh', '/opt/thalweg/kafka/start.sh'], name);
      assert.ok(service.volumes.includes('./config/kafka/start.sh:/opt/thalweg/kafka/start.sh:ro'), name);
    }
  });

  it('are configured as the native brokers are, read from compose/native/components/kafka.sh', () => {
    assert.deepEqual(parityProblems(started.properties, native.properties), []);
  });
});

describe('kafka-init', () => {
  const kafkaInit = env(services(compose)['kafka-init']!);
  const { home, log } = fakeKafkaHome('kafka-init');
  const result = runScript(initScript, [home], kafkaInit);
  const recorded = calls(log);
  const invocations = recorded.filter((call) => call.tool !== 'command-config');

  it('runs Kafka\'s tools as the operator, against every broker', () => {
    assert.equal(result.status, 0, result.stderr);
    assert.equal(kafkaInit.KAFKA_BOOTSTRAP, brokerNames(compose).map((name) => `${name}:19092`).join(','));
    for (const call of invocations) assert.deepEqual(call.args.slice(0, 2), ['--bootstrap-server', kafkaInit.KAFKA_BOOTSTRAP], call.tool);
    const configs = recorded.filter((call) => call.tool === 'command-config');
    assert.equal(configs.length, invocations.length);
    for (const config of configs) {
      const jaas = config.args.find((line) => line.startsWith('sasl.jaas.config='))!;
      assert.deepEqual(jaasCredentials(jaas), { username: kafkaInit.SCRAM_ADMIN_USER, password: kafkaInit.SCRAM_ADMIN_PASSWORD });
    }
  });

  it('sets the SCRAM-SHA-512 password of every principal it lists', () => {
    const set = invocations
      .filter((call) => call.tool === 'kafka-configs.sh')
      .map((call) => [call.args[call.args.indexOf('--entity-name') + 1], call.args[call.args.indexOf('--add-config') + 1]]);
    assert.deepEqual(set, [...scramUsers(compose)].map(([user, password]) => [user, `SCRAM-SHA-512=[password=${password}]`]));
  });

  it('grants Kafka UI and the exporter read-only ACLs on resources `topics apply` never revokes', () => {
    const grants = invocations
      .filter((call) => call.tool === 'kafka-acls.sh')
      .map((call) => {
        const args = call.args;
        const resource = args.includes('--cluster') ? 'cluster' : args.includes('--topic') ? `topic ${args[args.indexOf('--topic') + 1]}` : `group ${args[args.indexOf('--group') + 1]}`;
        const operations = args.flatMap((arg, index) => (args[index - 1] === '--operation' ? [arg] : []));
        return `${args[args.indexOf('--allow-principal') + 1]} ${resource}: ${operations.join(',')}`;
      });
    assert.deepEqual(grants, [
      'User:kafka-ui cluster: Describe,DescribeConfigs',
      'User:kafka-ui topic *: Read,Describe,DescribeConfigs',
      'User:kafka-ui group *: Describe',
      'User:kafka-exporter cluster: Describe',
      'User:kafka-exporter topic *: Describe',
      'User:kafka-exporter group *: Describe',
    ]);
    // topics apply revokes other ALLOW ACLs on the resources the specs name only; the wildcards are not among them.
    const managed = desiredAcls(loadTopicSpecs().all()).resources;
    assert.deepEqual(managed.filter((resource) => resource.resourceName === '*'), []);
  });

  it('waits for the brokers, and init waits for it', () => {
    for (const broker of brokerNames(compose)) assert.equal(dependencies(services(compose)['kafka-init']!)[broker]?.condition, 'service_healthy', broker);
    assert.equal(dependencies(services(compose).init!)['kafka-init']?.condition, 'service_completed_successfully');
    assert.ok(services(compose)['kafka-init']!.volumes.includes('./config/kafka/init.sh:/opt/thalweg/kafka/init.sh:ro'));
  });
});

describe('the Kafka security checks catch', () => {
  it('a service that connects as another principal, or with another password than kafka-init sets', () => {
    const broken = clone(compose);
    broken.services['projector-mongo'].environment.THALWEG_KAFKA_USERNAME = 'projector-postgres';
    broken.services['command-api'].environment.THALWEG_KAFKA_PASSWORD = 'guessed';
    assert.deepEqual(principalProblems(broken, specPrincipals), [
      "command-api's THALWEG_KAFKA_PASSWORD is not the password kafka-init sets for command-api",
      'projector-mongo connects as projector-postgres, not as its own principal projector-mongo',
    ]);
  });

  it('a principal the specs name that nobody runs or kafka-init forgets, a client without principal, a shared password', () => {
    const broken = clone(compose);
    delete broken.services['ledger-processor'].environment.THALWEG_KAFKA_USERNAME;
    broken.services['kafka-init'].environment.SCRAM_USERS = String(broken.services['kafka-init'].environment.SCRAM_USERS)
      .replace(/projector-search=\S+/, '')
      .replace(/kafka-ui=\S+/, 'kafka-ui=command-api-kafka-dev-secret');
    const problems = principalProblems(broken, [...specPrincipals, 'audit-archiver']);
    assert.ok(problems.includes('audit-archiver is named by the topic specs but no compose service runs it'), problems.join('\n'));
    assert.ok(problems.includes('kafka-init creates no SCRAM credentials for projector-search'), problems.join('\n'));
    assert.ok(problems.includes('ledger-processor reaches Kafka without a principal'), problems.join('\n'));
    assert.ok(problems.includes('two principals share a password'), problems.join('\n'));
  });

  it('an observer with the wrong credentials or started too early', () => {
    const broken = clone(compose);
    broken.services['kafka-ui'].environment.CONSOLE_KAFKA_USER = 'thalweg-admin';
    broken.services['kafka-exporter'].command = broken.services['kafka-exporter'].command.filter((arg: string) => arg !== '--sasl.enabled');
    delete broken.services['kafka-exporter'].depends_on['kafka-init'];
    assert.deepEqual(observerProblems(broken), [
      'kafka-ui connects as thalweg-admin, kafka-init grants kafka-ui',
      'kafka-exporter does not authenticate with SCRAM-SHA-512',
      'kafka-exporter starts before kafka-init created its credentials',
    ]);
  });

  it('a plaintext listener, a missing authorizer, an extra super user', () => {
    const broken = clone(compose);
    const vars = broken.services['kafka-2'].environment;
    vars.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP = 'INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,HOST:PLAINTEXT';
    delete vars.KAFKA_AUTHORIZER_CLASS_NAME;
    vars.KAFKA_SUPER_USERS = 'User:thalweg-admin;User:thalweg-broker;User:command-api';
    assert.deepEqual(brokerSecurityProblems(broken), [
      'kafka-2: listener HOST is PLAINTEXT, not SASL_PLAINTEXT',
      'kafka-2: no StandardAuthorizer',
      'kafka-2: super users User:thalweg-admin;User:thalweg-broker;User:command-api, expected User:thalweg-admin;User:thalweg-broker',
    ]);
  });

  it('a broker setting that drifts from the native stack', () => {
    const drifted = new Map(started.properties);
    drifted.set('min.insync.replicas', '1');
    drifted.set('listener.name.host.sasl.enabled.mechanisms', 'PLAIN');
    assert.deepEqual(parityProblems(drifted, native.properties), [
      'min.insync.replicas: compose 1, native 2',
      'listener HOST enables PLAIN, native SASL_PLAINTEXT SCRAM-SHA-512',
    ]);
  });

  it('start.sh refuses to start without the operator\'s credentials', () => {
    const { SCRAM_ADMIN_PASSWORD: _dropped, ...vars } = broker1;
    const attempt = startBroker('kafka-without-admin', vars);
    assert.notEqual(attempt.result.status, 0);
    assert.match(attempt.result.stderr, /SCRAM_ADMIN_PASSWORD is required/);
    assert.deepEqual(calls(attempt.log), []);
  });

  it('init.sh stops at a malformed SCRAM_USERS word and at a failing tool', () => {
    const kafkaInit = env(services(compose)['kafka-init']!);
    const malformed = fakeKafkaHome('kafka-init-malformed');
    const bad = runScript(initScript, [malformed.home], { ...kafkaInit, SCRAM_USERS: 'command-api' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /'command-api' is not a name=password word/);
    const failing = fakeKafkaHome('kafka-init-failing', { failing: 'kafka-acls.sh' });
    const failed = runScript(initScript, [failing.home], kafkaInit);
    assert.notEqual(failed.status, 0);
    assert.equal(calls(failing.log).filter((call) => call.tool === 'kafka-acls.sh').length, 1, 'nothing after the failed grant');
  });
});
