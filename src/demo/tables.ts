// The demo database's tables for kysely: their row types, and their DDL built once for SQLite and PostgreSQL alike.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { CompanyRow, CustomerRow, InvoiceRow, LineItemRow, OrderRow, PlanRow, SubscriptionRow, TenantRow, ThreadRow, UsageRow } from './rows.ts';

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
  'tenants',
  'threads',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/**
 * Tables added after databases were already seeded: a database that has customers but no rows in
 * these gets them on its next open, generated from its own seed anchor (the `meta` table's), so that
 * they point at the rows it has.
 */
export const LATER_TABLES: readonly TableName[] = ['tenants', 'threads'];

/** The database as kysely types it: one row type per table (src/demo/rows.ts), plus `meta` (the seed's anchor). */
export type DemoTables = {
  meta: { key: string; value: string };
  plans: PlanRow;
  companies: CompanyRow;
  customers: CustomerRow;
  subscriptions: SubscriptionRow;
  invoices: InvoiceRow;
  line_items: LineItemRow;
  usage_metrics: UsageRow;
  orders: OrderRow;
  tenants: TenantRow;
  threads: ThreadRow;
};

// CHECK constraints keep the enum columns in step with the GraphQL enums, so a bad seed fails at insert.
// Dates are ISO 8601 UTC text on both engines (text order is time order), and booleans 0/1 integers, so
// that rows read the same from either: the resolvers and the cards never see which one answered.
const inList = (column: string, values: readonly string[]) => sql`${sql.ref(column)} IN (${sql.join(values.map((value) => sql.lit(value)))})`;

/**
 * Every `CREATE … IF NOT EXISTS` statement of the demo schema, compiled for `db`'s dialect: running them
 * on an existing database changes nothing.
 */
export function schemaStatements(db: Kysely<DemoTables>): CompiledQuery[] {
  const s = db.schema;
  return [
    s.createTable('meta').ifNotExists().addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()),
    s
      .createTable('plans')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull().check(inList('tier', ['FREE', 'STARTER', 'GROWTH', 'ENTERPRISE'])))
      .addColumn('unit_price_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('billing_interval', 'text', (c) => c.notNull().check(inList('billing_interval', ['MONTH', 'YEAR']))),
    s
      .createTable('companies')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull().unique())
      .addColumn('industry', 'text', (c) => c.notNull())
      .addColumn('employee_count', 'integer', (c) => c.notNull()),
    s
      .createTable('customers')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('external_id', 'text', (c) => c.notNull().unique())
      .addColumn('plain_customer_id', 'text', (c) => c.unique())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('full_name', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text', (c) => c.references('companies.id'))
      .addColumn('created_at', 'text', (c) => c.notNull()),
    s
      .createTable('subscriptions')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(inList('status', ['TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELED'])))
      .addColumn('seats', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('current_period_end', 'text', (c) => c.notNull())
      .addColumn('cancel_at_period_end', 'integer', (c) => c.notNull().check(sql`cancel_at_period_end IN (0, 1)`)),
    s.createIndex('subscriptions_by_customer').ifNotExists().on('subscriptions').columns(['customer_id', 'started_at']),
    s
      .createTable('invoices')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().check(inList('status', ['DRAFT', 'OPEN', 'PAID', 'PAST_DUE', 'VOID'])))
      .addColumn('total_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('paid_at', 'text')
      .addColumn('url', 'text', (c) => c.notNull()),
    s.createIndex('invoices_by_customer').ifNotExists().on('invoices').columns(['customer_id', 'issued_at']),
    s
      .createTable('line_items')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull())
      .addColumn('unit_amount_cents', 'integer', (c) => c.notNull())
      .addColumn('amount_cents', 'integer', (c) => c.notNull()),
    s.createIndex('line_items_by_invoice').ifNotExists().on('line_items').column('invoice_id'),
    s
      .createTable('usage_metrics')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull())
      .addColumn('usage_limit', 'integer')
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('period_start', 'text', (c) => c.notNull())
      .addColumn('period_end', 'text', (c) => c.notNull()),
    s.createIndex('usage_metrics_by_customer').ifNotExists().on('usage_metrics').column('customer_id'),
    s
      .createTable('orders')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().check(inList('status', ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELED', 'RETURNED'])))
      .addColumn('total_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('item_count', 'integer', (c) => c.notNull())
      .addColumn('placed_at', 'text', (c) => c.notNull())
      .addColumn('carrier', 'text')
      .addColumn('tracking_url', 'text'),
    s.createIndex('orders_by_customer').ifNotExists().on('orders').columns(['customer_id', 'placed_at']),
    s
      .createTable('tenants')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('plain_tenant_id', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text', (c) => c.references('companies.id'))
      .addColumn('support_tier', 'text', (c) => c.notNull().check(inList('support_tier', ['STANDARD', 'PRIORITY', 'DEDICATED'])))
      .addColumn('account_manager', 'text')
      .addColumn('seats_used', 'integer', (c) => c.notNull())
      .addColumn('seat_limit', 'integer', (c) => c.notNull())
      .addColumn('renews_at', 'text'),
    s
      .createTable('threads')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('plain_thread_id', 'text', (c) => c.notNull().unique())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('tenant_id', 'text', (c) => c.references('tenants.id'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull().check(inList('topic', ['BILLING', 'SHIPPING', 'TECHNICAL', 'ACCOUNT'])))
      .addColumn('priority', 'text', (c) => c.notNull().check(inList('priority', ['LOW', 'NORMAL', 'HIGH', 'URGENT'])))
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.references('orders.id'))
      .addColumn('invoice_id', 'text', (c) => c.references('invoices.id')),
    s.createIndex('threads_by_customer').ifNotExists().on('threads').columns(['customer_id', 'opened_at']),
  ].map((builder) => builder.compile());
}
