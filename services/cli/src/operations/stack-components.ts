import { connect } from 'node:net';
import pg from 'pg';
import { MongoClient } from 'mongodb';
import { databaseSettings, kafkaSettings, mongoSettings, observabilitySettings, redisSettings, securitySettings } from '@thalweg/platform/config';
import { searchSettings } from '@thalweg/platform/search';
import { errorText } from './error-text.ts';
import { redactedUrl } from './redacted-url.ts';
import type { SettingReader } from './setting-reader.ts';
import { withTimeout } from './with-timeout.ts';

export interface ComponentStatus {
  component: string;
  endpoint: string;
  state: 'up' | 'down';
  /** What the probe saw: a version, a broker count, or why it failed. */
  detail: string;
}

export interface ComponentProbe {
  component: string;
  /** Its name in compose/native/stack.sh where that differs (MongoDB is FerretDB there). */
  nativeName?: string;
  url: string;
  probe(timeoutMs: number): Promise<string>;
}

async function httpOk(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${new URL(url).pathname} answered ${response.status}`);
  return `${new URL(url).pathname} ${response.status}`;
}

async function postgresAnswers(url: string, timeoutMs: number): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `server ${rows[0]?.server_version ?? '?'}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function mongoAnswers(url: string, timeoutMs: number): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    const info = await client.db().admin().command({ buildInfo: 1 });
    return `server ${String(info.version ?? '?')}`;
  } finally {
    await client.close().catch(() => {});
  }
}

/** Redis speaks RESP: AUTH when the URL carries credentials, then PING must answer +PONG. */
function redisAnswers(raw: string, timeoutMs: number): Promise<string> {
  const url = new URL(raw);
  const commands = [...(url.password ? [url.username ? `AUTH ${decodeURIComponent(url.username)} ${decodeURIComponent(url.password)}` : `AUTH ${decodeURIComponent(url.password)}`] : []), 'PING'];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379), timeout: timeoutMs });
    let answer = '';
    socket.on('connect', () => socket.write(commands.map((command) => `${command}\r\n`).join('')));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('+PONG')) {
        socket.destroy();
        resolve('PING answered PONG');
      } else if (answer.startsWith('-') || answer.includes('\r\n-')) {
        socket.destroy();
        reject(new Error(answer.trim().split('\r\n').find((line) => line.startsWith('-'))!.slice(1)));
      }
    });
    socket.on('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.on('error', reject);
  });
}

/**
 * The stack's components, each probed the way compose/native/stack.sh checks readiness (a query,
 * a ping, the HTTP path it polls), at the address the services are given.
 */
export function componentProbes(read: SettingReader): ComponentProbe[] {
  const keycloak = read(securitySettings.keycloakUrl).replace(/\/+$/, '');
  const realm = read(securitySettings.keycloakRealm);
  const registry = read(kafkaSettings.registryUrl).replace(/\/+$/, '');
  const opa = read(securitySettings.opaUrl).replace(/\/+$/, '');
  const typesense = read(searchSettings.typesenseUrl).replace(/\/+$/, '');
  const prometheus = read(observabilitySettings.prometheusUrl).replace(/\/+$/, '');
  const traces = read(observabilitySettings.tracesUrl).replace(/\/+$/, '');
  return [
    { component: 'postgres', url: read(databaseSettings.databaseUrl), probe: (ms) => postgresAnswers(read(databaseSettings.databaseUrl), ms) },
    { component: 'mongodb', nativeName: 'ferretdb', url: read(mongoSettings.mongodbUrl), probe: (ms) => mongoAnswers(read(mongoSettings.mongodbUrl), ms) },
    { component: 'redis', url: read(redisSettings.redisUrl), probe: (ms) => redisAnswers(read(redisSettings.redisUrl), ms) },
    { component: 'typesense', url: typesense, probe: (ms) => httpOk(`${typesense}/health`, ms) },
    { component: 'registry', url: registry, probe: (ms) => httpOk(`${registry}/subjects`, ms) },
    { component: 'opa', url: opa, probe: (ms) => httpOk(`${opa}/health`, ms) },
    { component: 'keycloak', url: keycloak, probe: (ms) => httpOk(`${keycloak}/realms/${realm}/.well-known/openid-configuration`, ms) },
    { component: 'prometheus', url: prometheus, probe: (ms) => httpOk(`${prometheus}/-/ready`, ms) },
    { component: 'traces', nativeName: 'jaeger', url: traces, probe: (ms) => httpOk(`${traces}/api/services`, ms) },
  ];
}

/** Every component but Kafka (whose admin connection the caller holds), probed in parallel. */
export async function probeComponents(read: SettingReader, { timeoutMs = 1_500 } = {}): Promise<ComponentStatus[]> {
  return Promise.all(
    componentProbes(read).map(async ({ component, url, probe }): Promise<ComponentStatus> => {
      const endpoint = redactedUrl(url);
      try {
        return { component, endpoint, state: 'up', detail: await withTimeout(probe(timeoutMs), timeoutMs + 500, component) };
      } catch (error) {
        return { component, endpoint, state: 'down', detail: errorText(error) };
      }
    }),
  );
}
