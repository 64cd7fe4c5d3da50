// The demo on PostgreSQL (DATABASE_URL): the same cards as on SQLite, with the same statements per request, on a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { DemoDatabase } from '../src/demo/database.ts';
import { createDemoData, openDemoDatabase } from '../src/demo/index.ts';
import { LOADER_COUNT } from '../src/demo/loaders.ts';
import { openPostgresDatabase, type PostgresDatabase } from '../src/demo/postgres.ts';
import { DEMO_CUSTOMERS } from '../src/demo/seed/seed.ts';
import type { SqliteDatabase } from '../src/demo/sqlite.ts';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/log.ts';
import { ALEX, ANCHOR, cardsBody, createTestApp, plainRequest, seededDatabase, type CardsBody, type TestApp } from './support/app.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/postgres.ts';

let throwaway: ThrowawayDatabase;
let postgres: PostgresDatabase;
let sqlite: SqliteDatabase;
let onSqlite: TestApp;
let onPostgres: TestApp;

beforeAll(async () => {
  throwaway = await createThrowawayDatabase();
  sqlite = seededDatabase();
  postgres = await openPostgresDatabase({ url: throwaway.url, anchor: ANCHOR });
  onSqlite = await createTestApp({}, { db: sqlite });
  onPostgres = await createTestApp({}, { local: createDemoData(postgres) });
});
afterAll(async () => {
  await Promise.all([onSqlite?.close(), onPostgres?.close()]);
  sqlite?.close();
  await postgres?.close();
  await throwaway?.drop();
});

/** The customers compared: the documented ones, generated ones found three ways, and one the data does not know. */
function customers(): Array<CardsBody['customer']> {
  const fixed = Object.values(DEMO_CUSTOMERS).map((c) => ({ id: c.plainCustomerId ?? 'c_NOT_LINKED', email: c.email, externalId: c.externalId }));
  const generated = sqlite
    .all<{ email: string; external_id: string; plain_customer_id: string | null }>('SELECT email, external_id, plain_customer_id FROM customers ORDER BY id LIMIT 24 OFFSET 500')
    .map((row, i) => ({
      id: row.plain_customer_id ?? `c_NOT_LINKED_${i}`,
      // By external id, by email alone, and by email in another case.
      email: i % 3 === 2 ? row.email.toUpperCase() : row.email,
      externalId: i % 3 === 0 ? row.external_id : null,
    }));
  return [...fixed, ...generated, { id: 'c_NOBODY', email: 'nobody@nowhere.example', externalId: null }];
}

/** The demo customer's first thread and its tenant, as Plain sends them on that thread; none for the others. */
function threadOf(email: string): { thread: { id: string; externalId: null } | null; tenant: { id: string; externalId: null } | null } {
  const [row] = sqlite.all<{ thread: string; tenant: string | null }>(
    'SELECT threads.plain_thread_id AS thread, tenants.plain_tenant_id AS tenant FROM threads JOIN customers ON customers.id = threads.customer_id LEFT JOIN tenants ON tenants.id = threads.tenant_id WHERE customers.email = ? ORDER BY threads.id LIMIT 1',
    [email],
  );
  return { thread: row ? { id: row.thread, externalId: null } : null, tenant: row?.tenant ? { id: row.tenant, externalId: null } : null };
}

async function answer(app: TestApp, db: DemoDatabase, body: CardsBody): Promise<{ status: number; text: string; statements: number }> {
  const before = db.statementCount;
  const response = await app.fetch(plainRequest(body));
  return { status: response.status, text: await response.text(), statements: db.statementCount - before };
}

describe('the demo on PostgreSQL and on SQLite', () => {
  it('answers the same /cards requests with identical bodies and the same number of SQL statements', async () => {
    const keys = [...onSqlite.registry.keys()];
    expect(keys).toEqual(expect.arrayContaining(['thread-context', 'tenant-account']));
    let shown = 0;
    for (const customer of customers()) {
      const body = { ...cardsBody(keys, customer), ...threadOf(customer.email) };
      const [lite, pg] = [await answer(onSqlite, sqlite, body), await answer(onPostgres, postgres, body)];
      expect({ customer: customer.email, ...pg }).toEqual({ customer: customer.email, ...lite });
      expect(lite.status).toBe(200);
      expect(lite.statements).toBeLessThanOrEqual(LOADER_COUNT);
      shown += (JSON.parse(lite.text) as { cards: Array<{ components: unknown[] | null }> }).cards.filter((card) => card.components !== null).length;
    }
    // Most of these customers have data: the comparison is of real cards, not of empty answers.
    expect(shown).toBeGreaterThan(100);
  });

  it('batches the cards of one request into one statement per loader on PostgreSQL too', async () => {
    const { statements } = await answer(onPostgres, postgres, { ...cardsBody([...onPostgres.registry.keys()], ALEX), ...threadOf(ALEX.email) });
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(LOADER_COUNT);
  });

  it("finds the preview's customer by external id alone", async () => {
    const response = await onPostgres.fetch(
      new Request('http://cardql.test/preview/api/cards', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardKeys: ['usage'], customer: { externalId: ALEX.externalId } }) }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ customerFound: true, request: { customer: ALEX } });
  });

  it('is ready while the database answers, and not once it is closed', async () => {
    const ready = await onPostgres.fetch(new Request('http://cardql.test/readyz'));
    expect([ready.status, ((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks['source:local']?.ok]).toEqual([200, true]);
    const other = await openPostgresDatabase({ url: throwaway.url, anchor: ANCHOR });
    const app = await createTestApp({}, { local: createDemoData(other) });
    await other.close();
    const notReady = await app.fetch(new Request('http://cardql.test/readyz'));
    expect([notReady.status, ((await notReady.json()) as { failing: string[] }).failing]).toEqual([503, ['source:local']]);
    await app.close();
  });
});

describe('opening the demo database on PostgreSQL', () => {
  it('creates and seeds it once: a later open, with another anchor, keeps the rows and the anchor', async () => {
    const again = await openDemoDatabase({ url: throwaway.url, path: 'unused.sqlite', anchor: new Date('2030-01-01T00:00:00Z') });
    try {
      const meta = await again.rows<{ value: string }>({ sql: "SELECT value FROM meta WHERE key = 'anchor'", parameters: [] });
      const [{ n }] = (await again.rows<{ n: string }>({ sql: 'SELECT COUNT(*) AS n FROM customers', parameters: [] })) as [{ n: string }];
      expect([meta, Number(n)]).toEqual([[{ value: ANCHOR.toISOString() }], 10_000]);
    } finally {
      await again.close();
    }
  });

  it('gives a database seeded before the tenants and threads tables existed their rows, from its own anchor', async () => {
    const older = await createThrowawayDatabase();
    try {
      const first = await openPostgresDatabase({ url: older.url, anchor: ANCHOR });
      await first.rows({ sql: 'DROP TABLE threads; DROP TABLE tenants', parameters: [] });
      await first.close();
      const reopened = await openPostgresDatabase({ url: older.url, anchor: new Date('2030-01-01T00:00:00Z') });
      const threads = await reopened.rows<{ plain_thread_id: string; opened_at: string }>({ sql: 'SELECT plain_thread_id, opened_at FROM threads ORDER BY id', parameters: [] });
      await reopened.close();
      expect(threads).toEqual(sqlite.all('SELECT plain_thread_id, opened_at FROM threads ORDER BY id', []));
      expect(threads).toHaveLength(4);
    } finally {
      await older.drop();
    }
  });

  it('seeds once when two replicas start on an empty database at the same moment', async () => {
    const empty = await createThrowawayDatabase();
    try {
      const both = await Promise.all([openPostgresDatabase({ url: empty.url, anchor: ANCHOR }), openPostgresDatabase({ url: empty.url, anchor: ANCHOR })]);
      const [{ n }] = (await both[0].rows<{ n: string }>({ sql: 'SELECT COUNT(*) AS n FROM customers', parameters: [] })) as [{ n: string }];
      expect(Number(n)).toBe(10_000);
      await Promise.all(both.map((db) => db.close()));
    } finally {
      await empty.drop();
    }
  });
});

describe('DATABASE_URL', () => {
  it('runs the demo on PostgreSQL from the environment and never logs the password', async () => {
    const url = new URL(throwaway.url);
    url.password = 'not-logged-5ecret'; // the test server trusts loopback: any password connects
    const lines: string[] = [];
    const { config } = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url.href, CARDQL_DATABASE: '/nonexistent/never-created.sqlite' });
    const app = await createApp(config, { logger: createLogger('debug', { write: (line: string) => void lines.push(line) }) });
    try {
      const response = await app.fetch(plainRequest(cardsBody(['usage'], ALEX)));
      expect(response.status).toBe(200);
      const log = lines.join('');
      expect(log).toContain('demo data open');
      expect(log).toContain(`${url.username}:***@${url.host}`);
      expect(log).not.toContain('not-logged-5ecret');
    } finally {
      await app.close();
    }
  });

  it.each([
    ['mysql://root:hunter2@db/cards', '"mysql://root:***@db/cards"'],
    ['not a url hunter2', '"<not a URL>"'],
  ])('rejects %j, showing it without its password', (value, shown) => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`DATABASE_URL: expected a PostgreSQL URL, postgres://user:password@host:5432/database, received ${shown}`);
    expect(message).not.toContain('hunter2');
  });

  it('accepts postgres:// and postgresql:// URLs, and keeps SQLite when unset or empty', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@h:5432/d' }).config.databaseUrl).toBe('postgres://u:p@h:5432/d');
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/d' }).config.databaseUrl).toBe('postgresql://h/d');
    expect(loadConfig({ DATABASE_URL: '' }).config.databaseUrl).toBeUndefined();
    expect(loadConfig({}).config.databaseUrl).toBeUndefined();
  });
});
