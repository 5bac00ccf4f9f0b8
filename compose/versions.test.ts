// Compose runs the versions the native stack runs. The native versions are read from the native
// stack's own scripts (compose/native/components/*.sh), never from a list kept here, so bumping a
// native pin without the compose image (or the other way round) fails this test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clone, compose, repoRoot, services, type Doc } from './compose-model.ts';

const componentsDir = join(repoRoot, 'compose/native/components');
const component = (name: string) => readFileSync(join(componentsDir, `${name}.sh`), 'utf8');

/** The first capture of `pattern` in a native component script; fails loudly when the script changed shape. */
function nativePin(name: string, pattern: RegExp): string {
  const match = pattern.exec(component(name));
  assert.ok(match?.[1], `compose/native/components/${name}.sh no longer matches ${pattern}: update this test with it`);
  return match[1];
}

const imageTag = (service: Doc | undefined) => /:([^/:@]+)$/.exec(String(service?.image ?? ''))?.[1];

interface Pin {
  /** The compose services running the component. */
  services: string[];
  /** The native version, read from its script. */
  native: string;
  /** The part of the image tag that must equal it. */
  version: (tag: string) => string | undefined;
  source: string;
}

const pins: Record<string, Pin> = {
  kafka: {
    services: ['kafka-1', 'kafka-2', 'kafka-3', 'kafka-init'],
    native: nativePin('kafka', /^KAFKA_VERSION=([0-9.]+)$/m),
    version: (tag) => tag,
    source: 'KAFKA_VERSION in kafka.sh',
  },
  'schema registry': {
    services: ['apicurio'],
    native: nativePin('registry', /^REGISTRY_VERSION="\$\{REGISTRY_VERSION:-([0-9.]+)\}"$/m),
    version: (tag) => tag,
    source: 'REGISTRY_VERSION in registry.sh',
  },
  keycloak: {
    services: ['keycloak'],
    // The first candidate is the one the native stack installs when it can.
    native: nativePin('keycloak', /^KEYCLOAK_VERSIONS="\$\{KEYCLOAK_VERSION:-([0-9.]+)[ "]/m),
    version: (tag) => tag,
    source: 'the first of KEYCLOAK_VERSIONS in keycloak.sh',
  },
  opa: {
    services: ['opa'],
    native: nativePin('opa', /^OPA_VERSION="\$\{OPA_VERSION:-v([0-9.]+)\}"$/m),
    version: (tag) => tag,
    source: 'OPA_VERSION in opa.sh',
  },
  typesense: {
    services: ['typesense'],
    native: nativePin('typesense', /^TYPESENSE_VERSION="\$\{TYPESENSE_VERSION:-([0-9.]+)\}"$/m),
    version: (tag) => tag,
    source: 'TYPESENSE_VERSION in typesense.sh',
  },
  postgresql: {
    services: ['postgres'],
    // Debian's postgresql-<major> package: the major version is the pin.
    native: nativePin('postgres', /^PG_BIN=\/usr\/lib\/postgresql\/(\d+)\/bin$/m),
    version: (tag) => /-pg(\d+)$/.exec(tag)?.[1],
    source: 'PG_BIN in postgres.sh (the PostgreSQL major of the TimescaleDB image)',
  },
};

function versionProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [name, pin] of Object.entries(pins)) {
    for (const service of pin.services) {
      const tag = imageTag(services(doc)[service]);
      const version = tag === undefined ? undefined : pin.version(tag);
      if (version !== pin.native) problems.push(`${name}: ${service} runs ${tag ?? 'no tagged image'}, the native stack ${pin.native} (${pin.source})`);
    }
  }
  return problems;
}

describe('component versions', () => {
  it('are the ones the native stack pins, read from its scripts', () => assert.deepEqual(versionProblems(compose), []));

  it('include Redis, which the native stack takes unpinned from Debian: compose runs the release installed here', (t) => {
    // redis.sh installs Debian's redis-server without a version; where it is installed, its
    // release is what the native stack runs.
    const installed = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    const release = /\bv=(\d+\.\d+\.\d+)/.exec(installed.stdout ?? '')?.[1];
    if (installed.error || !release) {
      t.skip('no redis-server on this host (the native stack installs it on `make up`)');
      return;
    }
    assert.equal(imageTag(services(compose).redis)?.replace(/-alpine$/, ''), release);
  });

  it('leave MongoDB as the one component compose runs for real where the native stack stands in for it', () => {
    // FerretDB speaks MongoDB's wire protocol over the native PostgreSQL; compose/README.md says why.
    assert.match(component('ferretdb'), /stands in for\s*#?\s*MongoDB/);
    assert.match(String(services(compose).mongo?.image), /^mongo:\d+\.\d+\.\d+$/);
  });
});

describe('the version check catches', () => {
  it('OPA behind the native build, a Kafka node on another release, another PostgreSQL major', () => {
    const broken = clone(compose);
    broken.services.opa.image = 'openpolicyagent/opa:1.0.0';
    broken.services['kafka-3'].image = 'apache/kafka:4.0.0';
    broken.services.postgres.image = 'timescale/timescaledb:2.17.2-pg16';
    assert.deepEqual(versionProblems(broken), [
      `kafka: kafka-3 runs 4.0.0, the native stack ${pins.kafka!.native} (KAFKA_VERSION in kafka.sh)`,
      `opa: opa runs 1.0.0, the native stack ${pins.opa!.native} (OPA_VERSION in opa.sh)`,
      `postgresql: postgres runs 2.17.2-pg16, the native stack ${pins.postgresql!.native} (PG_BIN in postgres.sh (the PostgreSQL major of the TimescaleDB image))`,
    ]);
  });
});
