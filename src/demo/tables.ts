// The demo database's DDL; `CREATE … IF NOT EXISTS` so opening an existing file is a no-op.

/** Tables in foreign-key order: seeding inserts them in this order. */
export const TABLE_NAMES = [
  'plans',
  'companies',
  'customers',
  'subscriptions',
  'invoices',
  'line_items',
  'usage_metrics',
  'orders',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

// CHECK constraints keep the enum columns in step with the GraphQL enums, so a bad seed fails at insert.
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('FREE', 'STARTER', 'GROWTH', 'ENTERPRISE')),
  unit_price_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  billing_interval TEXT NOT NULL CHECK (billing_interval IN ('MONTH', 'YEAR'))
);
CREATE TABLE IF NOT EXISTS companies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain TEXT NOT NULL UNIQUE,
  industry TEXT NOT NULL,
  employee_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  plain_customer_id TEXT UNIQUE,
  email TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  company_id TEXT REFERENCES companies (id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  plan_id TEXT NOT NULL REFERENCES plans (id),
  status TEXT NOT NULL CHECK (status IN ('TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELED')),
  seats INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  current_period_end TEXT NOT NULL,
  cancel_at_period_end INTEGER NOT NULL CHECK (cancel_at_period_end IN (0, 1))
);
CREATE INDEX IF NOT EXISTS subscriptions_by_customer ON subscriptions (customer_id, started_at);
CREATE TABLE IF NOT EXISTS invoices (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('DRAFT', 'OPEN', 'PAID', 'PAST_DUE', 'VOID')),
  total_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  paid_at TEXT,
  url TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invoices_by_customer ON invoices (customer_id, issued_at);
CREATE TABLE IF NOT EXISTS line_items (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  description TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_amount_cents INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS line_items_by_invoice ON line_items (invoice_id);
CREATE TABLE IF NOT EXISTS usage_metrics (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  metric TEXT NOT NULL,
  name TEXT NOT NULL,
  used INTEGER NOT NULL,
  usage_limit INTEGER,
  unit TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_metrics_by_customer ON usage_metrics (customer_id);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELED', 'RETURNED')),
  total_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  item_count INTEGER NOT NULL,
  placed_at TEXT NOT NULL,
  carrier TEXT,
  tracking_url TEXT
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, placed_at);
`;
