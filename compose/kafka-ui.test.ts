// Kafka UI as the operator's console (config/kafka-ui/config.yml): every Thalweg record decoded
// through the registry the services use, keys as strings, as its own read-only principal (whose
// ACLs, which let it list every topic and group, dead letter and retry topics included, and their
// lag, are checked in kafka-security.test.ts). What only a running Kafka UI can show is listed in
// compose/README.md.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { brokerNames, clone, compose, composeDir, dependencies, readYaml, services, type Doc } from './compose-model.ts';

const configPath = join(composeDir, 'config/kafka-ui/config.yml');
const config = readYaml(configPath);

/** The Spring placeholders of a value: `${NAME}` or `${NAME:default}`. */
const placeholders = (value: string) => [...value.matchAll(/\$\{([A-Za-z0-9_.-]+)(?::[^}]*)?\}/g)].map((match) => match[1]!);

function kafkaUiProblems(uiConfig: Doc, doc: Doc): string[] {
  const problems: string[] = [];
  const service = services(doc)['kafka-ui'];
  if (!service) return ['no kafka-ui service'];
  const vars: Doc = service.environment ?? {};
  const clusters: Doc[] = uiConfig.kafka?.clusters ?? [];
  if (clusters.length !== 1) return [`expected one cluster, found ${clusters.length}`];
  const cluster = clusters[0]!;

  // Where the file is read from.
  const location = String(vars['SPRING_CONFIG_ADDITIONAL-LOCATION'] ?? '');
  if (!(service.volumes ?? []).includes(`./config/kafka-ui/config.yml:${location}:ro`)) problems.push(`SPRING_CONFIG_ADDITIONAL-LOCATION ${location || '(unset)'} is not where config/kafka-ui/config.yml is mounted`);

  // The same brokers and registry as the services.
  const brokers = String(cluster.bootstrapServers ?? '').split(',').sort().join(',');
  const expectedBrokers = brokerNames(doc).map((name) => `${name}:19092`).sort().join(',');
  if (brokers !== expectedBrokers) problems.push(`bootstrapServers ${cluster.bootstrapServers}, expected every broker (${expectedBrokers})`);
  const registries = new Set(Object.values(services(doc)).map((other) => other.environment?.THALWEG_REGISTRY_URL).filter(Boolean));
  if (registries.size !== 1 || !registries.has(cluster.schemaRegistry)) problems.push(`schemaRegistry ${cluster.schemaRegistry} is not the registry the services use (${[...registries].join(', ')})`);
  if (!(dependencies(service).apicurio?.condition === 'service_healthy')) problems.push('kafka-ui does not wait for the registry');

  // Decoding: keys as strings, values through the registry, on every topic.
  if (cluster.defaultKeySerde !== 'String') problems.push(`defaultKeySerde ${cluster.defaultKeySerde}: Thalweg keys are aggregate ids, strings`);
  if (cluster.defaultValueSerde !== 'SchemaRegistry') problems.push(`defaultValueSerde ${cluster.defaultValueSerde}: Thalweg values are Confluent-framed Avro`);
  for (const serde of cluster.serde ?? []) {
    if (serde.topicValuesPattern || serde.topicKeysPattern) problems.push(`serde ${serde.name} takes over some topics from the defaults`);
  }
  // Checking the `<topic>-value` subject would hide every Thalweg value: its subjects are `<topic>-<record>`.
  if (cluster.schemaRegistryCheckSchemaExistenceForDeserialize === true) problems.push('schemaRegistryCheckSchemaExistenceForDeserialize hides values whose subject is not <topic>-value');

  // Its own principal, over SASL/SCRAM, read-only.
  const properties: Doc = cluster.properties ?? {};
  if (properties['security.protocol'] !== 'SASL_PLAINTEXT' || properties['sasl.mechanism'] !== 'SCRAM-SHA-512') problems.push('kafka-ui does not authenticate with SCRAM-SHA-512');
  const jaas = String(properties['sasl.jaas.config'] ?? '');
  if (!/ScramLoginModule required username="\$\{[^}]+\}" password="\$\{[^}]+\}";$/.test(jaas)) problems.push('sasl.jaas.config must take username and password from the environment');
  for (const name of placeholders(jaas)) if (vars[name] === undefined) problems.push(`${name} is used by config.yml but not set on kafka-ui`);
  if (cluster.readOnly !== true) problems.push('the console is not read-only');
  return problems;
}

describe('Kafka UI', () => {
  it('decodes every topic through the services\' registry, as its own read-only principal', () => assert.deepEqual(kafkaUiProblems(config, compose), []));

  it('connects as the principal kafka-init grants the console ACLs', () => {
    const vars = services(compose)['kafka-ui']!.environment;
    assert.equal(vars.CONSOLE_KAFKA_USER, services(compose)['kafka-init']!.environment.KAFKA_UI_USER);
  });

  it('is the maintained kafbat image, pinned', () => assert.match(services(compose)['kafka-ui']!.image, /^kafbat\/kafka-ui:v\d+\.\d+\.\d+$/));
});

describe('the Kafka UI checks catch', () => {
  it('a value serde that does not use the registry, a key serde that is not String, a console that can write', () => {
    const broken = clone(config);
    broken.kafka.clusters[0].defaultValueSerde = 'String';
    broken.kafka.clusters[0].defaultKeySerde = 'Base64';
    broken.kafka.clusters[0].readOnly = false;
    assert.deepEqual(kafkaUiProblems(broken, compose), [
      'defaultKeySerde Base64: Thalweg keys are aggregate ids, strings',
      'defaultValueSerde String: Thalweg values are Confluent-framed Avro',
      'the console is not read-only',
    ]);
  });

  it('another registry, a missing broker, a subject check that hides Thalweg values', () => {
    const broken = clone(config);
    broken.kafka.clusters[0].schemaRegistry = 'http://apicurio:8080/apis/registry/v3';
    broken.kafka.clusters[0].bootstrapServers = 'kafka-1:19092';
    broken.kafka.clusters[0].schemaRegistryCheckSchemaExistenceForDeserialize = true;
    assert.deepEqual(kafkaUiProblems(broken, compose), [
      'bootstrapServers kafka-1:19092, expected every broker (kafka-1:19092,kafka-2:19092,kafka-3:19092)',
      'schemaRegistry http://apicurio:8080/apis/registry/v3 is not the registry the services use (http://apicurio:8080/apis/ccompat/v7)',
      'schemaRegistryCheckSchemaExistenceForDeserialize hides values whose subject is not <topic>-value',
    ]);
  });

  it('a password written into the file, a placeholder nobody sets, a file mounted elsewhere', () => {
    const broken = clone(config);
    broken.kafka.clusters[0].properties['sasl.jaas.config'] = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka-ui" password="secret";';
    const composeBroken = clone(compose);
    composeBroken.services['kafka-ui'].environment['SPRING_CONFIG_ADDITIONAL-LOCATION'] = '/config.yml';
    assert.deepEqual(kafkaUiProblems(broken, composeBroken), [
      'SPRING_CONFIG_ADDITIONAL-LOCATION /config.yml is not where config/kafka-ui/config.yml is mounted',
      'sasl.jaas.config must take username and password from the environment',
    ]);
    const unset = clone(compose);
    delete unset.services['kafka-ui'].environment.CONSOLE_KAFKA_PASSWORD;
    assert.deepEqual(kafkaUiProblems(config, unset), ['CONSOLE_KAFKA_PASSWORD is used by config.yml but not set on kafka-ui']);
  });
});
