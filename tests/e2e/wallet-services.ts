import type { TestContext } from 'node:test';
import { createTestConsumerGroup, createTestDatabase, securityEnv, startServiceProcess, testAdmin, testStack, userToken } from '@thalweg/platform/testing';

// The wallet path as real processes: command-api -> Kafka (ledger.commands.v1, applied by
// `thalweg topics apply`) -> ledger-processor -> ledger.wallets.v1 and ledger.command-outcomes.v1
// -> projector-postgres -> PostgreSQL -> query-api, each checking real Keycloak tokens and asking
// the stack's OPA.
export const LEDGER_TOPIC = 'ledger.wallets.v1';
export const COMMANDS_TOPIC = 'ledger.commands.v1';

const kafkaEnv = () => ({ THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn' });

/**
 * The ledger processor as deployed: its own group, changelog and transactional ids, so every test
 * that starts one is another instance of the same processor taking over the partitions (as a
 * restart or a scaled deployment does). A group of its own per test would decide every earlier
 * command again onto the shared ledger topics. Ready once its state is restored.
 */
export function startLedgerProcessor(t: TestContext, env: Record<string, string> = {}) {
  return startServiceProcess(t, 'ledger-processor', { ...kafkaEnv(), ...env }, { timeout: 90_000 });
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** A realm user to call as (a token is fetched), or a raw Authorization value; none by default. */
  as?: string;
  authorization?: string;
}

/** Calls a Thalweg API and parses the answer, JSON or problem+json. */
export async function callApi(base: string, method: string, path: string, { body, headers = {}, as, authorization }: CallOptions = {}): Promise<ApiAnswer> {
  const auth = authorization ?? (as ? `Bearer ${await userToken(as)}` : undefined);
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

/**
 * Starts the four services (the APIs, the projector on a database and consumer group of the
 * test's own, the ledger processor); `urls` has each one's base URL.
 */
export async function startWalletServices(t: TestContext, { command: commandEnv = {}, query: queryEnv = {} }: { command?: Record<string, string>; query?: Record<string, string> } = {}) {
  const group = await createTestConsumerGroup(t, await testAdmin(t), { prefix: 'projector-postgres-e2e', topics: [LEDGER_TOPIC] });
  const database = await createTestDatabase(t, 'e2e');
  const common = kafkaEnv();
  const [command, query, projector, processor] = await Promise.all([
    startServiceProcess(t, 'command-api', { ...common, ...securityEnv(), THALWEG_REDIS_URL: testStack.redisUrl, ...commandEnv }),
    startServiceProcess(t, 'query-api', {
      ...securityEnv(),
      THALWEG_REDIS_URL: testStack.redisUrl,
      THALWEG_MONGODB_URL: testStack.mongodbUrl,
      THALWEG_DATABASE_URL: database.url,
      THALWEG_LEDGER_PROJECTION_GROUP: group,
      THALWEG_CONSISTENCY_TIMEOUT_MS: '20000',
      THALWEG_LOG_LEVEL: 'warn',
      ...queryEnv,
    }),
    startServiceProcess(t, 'projector-postgres', { ...common, THALWEG_DATABASE_URL: database.url, THALWEG_CONSUMER_GROUP: group }),
    startLedgerProcessor(t),
  ]);
  return {
    command: (method: string, path: string, options?: CallOptions) => callApi(command.url, method, path, options),
    query: (method: string, path: string, options?: CallOptions) => callApi(query.url, method, path, options),
    urls: { command: command.url, query: query.url, projector: projector.url, processor: processor.url },
    databaseUrl: database.url,
    group,
  };
}
