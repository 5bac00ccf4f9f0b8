import type { TestContext } from 'node:test';
import pg from 'pg';
import { onCleanup } from './cleanup.ts';
import { testStack } from './test-stack.ts';

/**
 * A PostgreSQL outage for one test database: new connections are refused and open ones are ended,
 * until `restore()` (or the test's end).
 */
export async function cutOffDatabase(t: TestContext, name: string): Promise<{ restore(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: testStack.databaseUrl });
  await admin.connect();
  onCleanup(t, () => admin.end());
  const restore = async () => {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  };
  await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  onCleanup(t, () => restore().catch(() => {}));
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  return { restore };
}
