import pg from 'pg';
import { testStack, uniqueName } from '@thalweg/platform/testing';

/** A PostgreSQL database of a benchmark round's own on the stack; `drop()` ends its pool and removes it. */
export async function createBenchDatabase(): Promise<{ pool: pg.Pool; drop(): Promise<void> }> {
  const name = uniqueName('bench', '_');
  const root = new pg.Client({ connectionString: testStack.databaseUrl });
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  const url = new URL(testStack.databaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  pool.on('error', () => {}); // connections end when the database is dropped
  return {
    pool,
    async drop() {
      await pool.end();
      await root.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await root.end();
    },
  };
}
