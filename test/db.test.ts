// The demo database: a deterministic seed with the documented fixed customers, and a file reused across opens.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase } from '../src/demo/sqlite.ts';
import type { CustomerRow, InvoiceRow, OrderRow, SubscriptionRow, UsageRow } from '../src/demo/rows.ts';
import { CUSTOMER_COUNT, DEMO_CUSTOMERS, DEMO_TENANTS, DEMO_THREADS } from '../src/demo/seed/seed.ts';

const ANCHOR = new Date('2026-11-01T00:00:00Z');
const HASHED_TABLES = ['companies', 'customers', 'subscriptions', 'invoices', 'line_items', 'usage_metrics', 'orders', 'tenants', 'threads'];

let db: SqliteDatabase;
beforeAll(() => {
  db = openSqliteDatabase({ path: ':memory:', anchor: ANCHOR });
});
afterAll(() => db.close());

function fingerprint(database: SqliteDatabase): string {
  const hash = createHash('sha256');
  for (const table of HASHED_TABLES) hash.update(JSON.stringify(database.all(`SELECT * FROM ${table} ORDER BY id`, [])));
  return hash.digest('hex');
}

function count(sql: string, params: unknown[] = []): number {
  return db.all<{ n: number }>(sql, params)[0]?.n ?? Number.NaN;
}

function customer(email: string): CustomerRow {
  const [row] = db.all<CustomerRow>('SELECT * FROM customers WHERE email = ?', [email]);
  if (!row) throw new Error(`no seeded customer ${email}`);
  return row;
}

describe('the demo seed', () => {
  it('is deterministic: the same anchor always yields the same rows', () => {
    const again = openSqliteDatabase({ path: ':memory:', anchor: new Date(ANCHOR) });
    try {
      expect(fingerprint(again)).toBe(fingerprint(db));
    } finally {
      again.close();
    }
  });

  it('derives every date from the anchor and records the anchor', () => {
    expect(db.all('SELECT value FROM meta WHERE key = ?', ['anchor'])).toEqual([{ value: ANCHOR.toISOString() }]);
    expect(count("SELECT COUNT(*) AS n FROM invoices WHERE issued_at > ?", [ANCHOR.toISOString()])).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM orders WHERE placed_at > ?", [ANCHOR.toISOString()])).toBe(0);
  });

  it('holds at least 10,000 customers, each with a unique email and external id, grouped several to a company', () => {
    expect(CUSTOMER_COUNT).toBeGreaterThanOrEqual(10_000);
    expect(count('SELECT COUNT(*) AS n FROM customers')).toBe(CUSTOMER_COUNT);
    expect(count('SELECT COUNT(DISTINCT email) AS n FROM customers')).toBe(CUSTOMER_COUNT);
    expect(count('SELECT COUNT(DISTINCT external_id) AS n FROM customers')).toBe(CUSTOMER_COUNT);
    expect(count('SELECT COUNT(*) AS n FROM companies')).toBeLessThan(CUSTOMER_COUNT / 2);
  });

  it("links most customers to Plain with an id shaped like Plain's", () => {
    const linked = count("SELECT COUNT(*) AS n FROM customers WHERE plain_customer_id GLOB 'c_[0-9A-Z]*' AND length(plain_customer_id) = 28");
    expect(linked).toBe(count('SELECT COUNT(plain_customer_id) AS n FROM customers'));
    expect(linked / CUSTOMER_COUNT).toBeGreaterThan(0.7);
  });

  it('has four plans, each billed monthly and yearly', () => {
    expect(db.all('SELECT tier, COUNT(*) AS intervals FROM plans GROUP BY tier ORDER BY unit_price_cents', [])).toEqual(
      ['FREE', 'STARTER', 'GROWTH', 'ENTERPRISE'].map((tier) => ({ tier, intervals: 2 })),
    );
  });

  it('mixes subscription states, and leaves some customers without any subscription', () => {
    const statuses = db.all<{ status: string }>('SELECT DISTINCT status FROM subscriptions ORDER BY status', []).map((row) => row.status);
    expect(statuses).toEqual(['ACTIVE', 'CANCELED', 'PAST_DUE', 'TRIALING']);
    expect(count('SELECT COUNT(*) AS n FROM customers WHERE id NOT IN (SELECT customer_id FROM subscriptions)')).toBeGreaterThan(500);
  });

  it('keeps subscriptions consistent with the anchor: current ones renew after it, cancelled ones ended before it', () => {
    const anchor = ANCHOR.toISOString();
    expect(count("SELECT COUNT(*) AS n FROM subscriptions WHERE status != 'CANCELED' AND current_period_end <= ?", [anchor])).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM subscriptions WHERE status = 'CANCELED' AND current_period_end > ?", [anchor])).toBe(0);
    const owing = "SELECT 1 FROM invoices i WHERE i.customer_id = s.customer_id AND i.status = 'PAST_DUE'";
    expect(count(`SELECT COUNT(*) AS n FROM subscriptions s WHERE status = 'PAST_DUE' AND NOT EXISTS (${owing})`)).toBe(0);
  });

  it('keeps 0–12 invoices per customer, 1–4 line items per invoice, and totals equal to their line items', () => {
    expect(count('SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM invoices GROUP BY customer_id)')).toBeLessThanOrEqual(12);
    expect(db.all('SELECT MIN(n) AS low, MAX(n) AS high FROM (SELECT COUNT(*) AS n FROM line_items GROUP BY invoice_id)', [])).toEqual([{ low: 1, high: 4 }]);
    expect(count('SELECT COUNT(*) AS n FROM invoices i WHERE total_cents != (SELECT SUM(amount_cents) FROM line_items WHERE invoice_id = i.id)')).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM invoices WHERE url != 'https://billing.example.com/invoices/' || number")).toBe(0);
  });

  it('gives shipped and delivered orders a tracking url, and no other order one', () => {
    expect(count("SELECT COUNT(*) AS n FROM orders WHERE status IN ('SHIPPED', 'DELIVERED') AND tracking_url NOT LIKE 'https://track.example.com/%/%'")).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM orders WHERE status NOT IN ('SHIPPED', 'DELIVERED') AND tracking_url IS NOT NULL")).toBe(0);
    expect(count('SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM orders GROUP BY customer_id)')).toBeLessThanOrEqual(8);
  });
});

describe("Alex Johnson, the customer from Plain's docs", () => {
  it('is found by email, external id and Plain customer id alike', () => {
    const alex = customer(DEMO_CUSTOMERS.alex.email);
    expect(alex).toMatchObject({ full_name: 'Alex Johnson', external_id: 'customer-id-in-your-backend', plain_customer_id: 'c_01GW2NTPQNPWTRKAC0G8Z518W2' });
    expect(db.all('SELECT name, domain FROM companies WHERE id = ?', [alex.company_id])).toEqual([{ name: 'Grocery Co', domain: 'grocery.co' }]);
  });

  it('has an active monthly Growth subscription for 12 seats', () => {
    const alex = customer(DEMO_CUSTOMERS.alex.email);
    const current = db.all<SubscriptionRow>("SELECT * FROM subscriptions WHERE customer_id = ? AND status != 'CANCELED'", [alex.id]);
    expect(current).toMatchObject([{ plan_id: 'plan_growth_month', status: 'ACTIVE', seats: 12, cancel_at_period_end: 0 }]);
  });

  it('owes one past-due invoice, the newest; the older ones are paid', () => {
    const alex = customer(DEMO_CUSTOMERS.alex.email);
    const invoices = db.all<InvoiceRow>('SELECT * FROM invoices WHERE customer_id = ? ORDER BY issued_at DESC', [alex.id]);
    expect(invoices.map((invoice) => invoice.status)).toEqual(['PAST_DUE', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID']);
    expect(invoices[0]?.due_at.localeCompare(ANCHOR.toISOString())).toBe(-1);
  });

  it('uses at least 90% of one metered limit', () => {
    const usage = db.all<UsageRow>('SELECT * FROM usage_metrics WHERE customer_id = ?', [customer(DEMO_CUSTOMERS.alex.email).id]);
    expect(usage.filter((metric) => metric.usage_limit !== null && metric.used / metric.usage_limit >= 0.9).map((metric) => metric.metric)).toEqual(['api_calls']);
    expect(usage.some((metric) => metric.usage_limit === null)).toBe(true);
  });

  it('has orders, one shipped with tracking and one delivered', () => {
    const orders = db.all<OrderRow>('SELECT * FROM orders WHERE customer_id = ?', [customer(DEMO_CUSTOMERS.alex.email).id]);
    expect(orders.length).toBeGreaterThanOrEqual(4);
    expect(orders.find((order) => order.status === 'SHIPPED')?.tracking_url).toBe('https://track.example.com/ups/1Z999AA10123456784');
    expect(orders.some((order) => order.status === 'DELIVERED')).toBe(true);
  });
});

describe('the other fixed customers', () => {
  it.each([
    ['noData', 0, 0, 0],
    ['trialing', 1, 0, 0],
    ['canceled', 1, 2, 2],
  ] as const)('%s has %i subscription(s), %i invoice(s) and %i order(s)', (name, subscriptions, invoices, orders) => {
    const { id } = customer(DEMO_CUSTOMERS[name].email);
    expect(customer(DEMO_CUSTOMERS[name].email).external_id).toBe(DEMO_CUSTOMERS[name].externalId);
    expect(count('SELECT COUNT(*) AS n FROM subscriptions WHERE customer_id = ?', [id])).toBe(subscriptions);
    expect(count('SELECT COUNT(*) AS n FROM invoices WHERE customer_id = ?', [id])).toBe(invoices);
    expect(count('SELECT COUNT(*) AS n FROM orders WHERE customer_id = ?', [id])).toBe(orders);
  });
});

describe("the fixed customers' Plain threads and tenants", () => {
  type Thread = { plain_thread_id: string; email: string; tenant: string | null; order_status: string | null; invoice_status: string | null };
  it('gives Alex a thread about the shipped order and one about the past-due invoice, Taylor one without a tenant, Casey one, Sam none', () => {
    const threads = db.all<Thread>(
      `SELECT t.plain_thread_id, c.email, te.plain_tenant_id AS tenant, o.status AS order_status, i.status AS invoice_status
       FROM threads t JOIN customers c ON c.id = t.customer_id LEFT JOIN tenants te ON te.id = t.tenant_id
       LEFT JOIN orders o ON o.id = t.order_id AND o.customer_id = t.customer_id LEFT JOIN invoices i ON i.id = t.invoice_id AND i.customer_id = t.customer_id ORDER BY t.id`,
      [],
    );
    expect(threads).toEqual([
      { plain_thread_id: DEMO_THREADS.alexShipping, email: DEMO_CUSTOMERS.alex.email, tenant: DEMO_TENANTS.grocery, order_status: 'SHIPPED', invoice_status: null },
      { plain_thread_id: DEMO_THREADS.alexBilling, email: DEMO_CUSTOMERS.alex.email, tenant: DEMO_TENANTS.grocery, order_status: null, invoice_status: 'PAST_DUE' },
      { plain_thread_id: DEMO_THREADS.taylorApi, email: DEMO_CUSTOMERS.trialing.email, tenant: null, order_status: null, invoice_status: null },
      { plain_thread_id: DEMO_THREADS.caseyExport, email: DEMO_CUSTOMERS.canceled.email, tenant: DEMO_TENANTS.tallow, order_status: null, invoice_status: null },
    ]);
  });
});

describe('a database file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardql-db-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created with its parent directories, in WAL mode, and reused without reseeding when opened again', () => {
    const path = join(dir, 'nested', 'data', 'cardql.sqlite');
    const first = openSqliteDatabase({ path, anchor: ANCHOR });
    const seeded = fingerprint(first);
    first.close();
    expect(existsSync(`${path}-wal`) || existsSync(path)).toBe(true);

    const second = openSqliteDatabase({ path, anchor: new Date('2030-01-01T00:00:00Z') });
    try {
      expect(second.all('PRAGMA journal_mode', [])).toEqual([{ journal_mode: 'wal' }]);
      expect(second.all('SELECT value FROM meta', [])).toEqual([{ value: ANCHOR.toISOString() }]);
      expect(fingerprint(second)).toBe(seeded);
    } finally {
      second.close();
    }
  });

  it('seeded before the tenants and threads tables existed, gets their rows from its own anchor on the next open', () => {
    const path = join(dir, 'older.sqlite');
    const fresh = openSqliteDatabase({ path, anchor: ANCHOR });
    const seeded = fingerprint(fresh);
    fresh.close();
    const older = new BetterSqlite3(path);
    older.exec('DROP TABLE threads; DROP TABLE tenants;');
    older.close();
    const reopened = openSqliteDatabase({ path, anchor: new Date('2030-01-01T00:00:00Z') });
    try {
      expect(reopened.all('SELECT COUNT(*) AS n FROM threads', [])).toEqual([{ n: 4 }]);
      expect(fingerprint(reopened)).toBe(seeded);
    } finally {
      reopened.close();
    }
  });

  it('says whether it is open, and can be closed twice', () => {
    const database = openSqliteDatabase({ path: ':memory:', anchor: ANCHOR });
    expect(database.isOpen()).toBe(true);
    database.close();
    database.close();
    expect(database.isOpen()).toBe(false);
  });

  it('reads one snapshot per turn of the event loop: a write by another process shows from the next turn', async () => {
    const path = join(dir, 'turns.sqlite');
    const reader = openSqliteDatabase({ path, anchor: ANCHOR });
    const writer = new BetterSqlite3(path);
    const anchors = () => reader.all<{ value: string }>("SELECT value FROM meta WHERE key = 'anchor'", []).map((row) => row.value);
    try {
      expect(anchors()).toEqual([ANCHOR.toISOString()]);
      writer.prepare("UPDATE meta SET value = 'rewritten' WHERE key = 'anchor'").run();
      // Same turn: the transaction the first read began still holds its snapshot.
      expect(anchors()).toEqual([ANCHOR.toISOString()]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(anchors()).toEqual(['rewritten']);
    } finally {
      writer.close();
      reader.close();
    }
  });

  it("closes cleanly with a turn's transaction still open, and nothing runs on it afterwards", async () => {
    const database = openSqliteDatabase({ path: ':memory:', anchor: ANCHOR });
    expect(database.all('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
    database.close();
    // The end of the turn would have committed on a closed handle and thrown outside any caller.
    await new Promise((resolve) => setImmediate(resolve));
    expect(database.isOpen()).toBe(false);
  });
});
