// Throwaway PostgreSQL databases for tests: a random name each, dropped after, on the server npm test's set-up ensures.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The server the tests use (scripts/ensure-postgres.sh makes one reachable on a fresh machine). Its database
 * is only where throwaway databases are created from; nothing is written to it.
 */
export const TEST_SERVER_URL = process.env.CARDQL_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export type ThrowawayDatabase = { url: string; name: string; drop(): Promise<void> };

/** Creates an empty database with a random name; `drop()` removes it, even with connections still open. */
export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `cardql_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return { url: url.href, name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
