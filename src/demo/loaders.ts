// Per-request DataLoaders over the demo database: one SQL statement per batch, results in key order.
import DataLoader from 'dataloader';
import type { Database } from './database.ts';
import type { CompanyRow, CustomerRow, InvoiceRow, LineItemRow, OrderRow, PlanRow, SubscriptionRow, UsageRow } from './rows.ts';

export type Loaders = {
  customerById: DataLoader<string, CustomerRow | null>;
  customerByExternalId: DataLoader<string, CustomerRow | null>;
  /** Case-insensitive: keys are trimmed and lower-cased, as the stored emails are. */
  customerByEmail: DataLoader<string, CustomerRow | null>;
  customerByPlainId: DataLoader<string, CustomerRow | null>;
  companyById: DataLoader<string, CompanyRow | null>;
  /** The subscription in force (ACTIVE, TRIALING or PAST_DUE), the newest when there are several. */
  subscriptionByCustomerId: DataLoader<string, SubscriptionRow | null>;
  planById: DataLoader<string, PlanRow | null>;
  /** Newest first. */
  invoicesByCustomerId: DataLoader<string, InvoiceRow[]>;
  lineItemsByInvoiceId: DataLoader<string, LineItemRow[]>;
  usageByCustomerId: DataLoader<string, UsageRow[]>;
  /** Newest first. */
  ordersByCustomerId: DataLoader<string, OrderRow[]>;
};

/** How many loaders `createLoaders` makes: a request that touches every field runs at most this many statements. */
export const LOADER_COUNT = 11;

// Bounds both the IN list and the number of distinct SQL texts the statement cache can see per loader.
const MAX_BATCH_SIZE = 100;

/** Creates fresh loaders, and so fresh caches: call once per Plain request, never share across requests. */
export function createLoaders(db: Database): Loaders {
  const normalizeEmail = (email: string): string => email.trim().toLowerCase();
  // A customer found by one key is primed into the others, so a later lookup by another key costs nothing.
  const primeCustomers = (rows: readonly CustomerRow[]): void => {
    for (const row of rows) {
      loaders.customerById.prime(row.id, row);
      loaders.customerByExternalId.prime(row.external_id, row);
      loaders.customerByEmail.prime(row.email, row);
      if (row.plain_customer_id) loaders.customerByPlainId.prime(row.plain_customer_id, row);
    }
  };
  const customerBy = (column: 'id' | 'external_id' | 'email' | 'plain_customer_id', normalize?: (key: string) => string) =>
    one<CustomerRow>(db, { table: 'customers', column }, (row) => row[column] ?? '', { normalize, onRows: primeCustomers });

  const loaders: Loaders = {
    customerById: customerBy('id'),
    customerByExternalId: customerBy('external_id'),
    customerByEmail: customerBy('email', normalizeEmail),
    customerByPlainId: customerBy('plain_customer_id'),
    companyById: one<CompanyRow>(db, { table: 'companies', column: 'id' }, (row) => row.id),
    subscriptionByCustomerId: one<SubscriptionRow>(
      db,
      { table: 'subscriptions', column: 'customer_id', filter: "status IN ('ACTIVE', 'TRIALING', 'PAST_DUE')", orderBy: 'started_at DESC, id DESC' },
      (row) => row.customer_id,
    ),
    planById: one<PlanRow>(db, { table: 'plans', column: 'id' }, (row) => row.id),
    invoicesByCustomerId: many<InvoiceRow>(db, { table: 'invoices', column: 'customer_id', orderBy: 'issued_at DESC, id DESC' }, (row) => row.customer_id),
    lineItemsByInvoiceId: many<LineItemRow>(db, { table: 'line_items', column: 'invoice_id', orderBy: 'id' }, (row) => row.invoice_id),
    usageByCustomerId: many<UsageRow>(db, { table: 'usage_metrics', column: 'customer_id', orderBy: 'id' }, (row) => row.customer_id),
    ordersByCustomerId: many<OrderRow>(db, { table: 'orders', column: 'customer_id', orderBy: 'placed_at DESC, id DESC' }, (row) => row.customer_id),
  };
  return loaders;
}

/** What one batch selects: `SELECT * FROM <table> WHERE [<filter> AND] <column> IN (…) [ORDER BY <orderBy>]`. */
type Query = {
  table: string;
  column: string;
  filter?: string;
  /** For `one`, the first row of a key in this order wins. */
  orderBy?: string;
};

type OneOptions<R> = {
  /** Applied to keys for the cache and the query alike. */
  normalize?: (key: string) => string;
  onRows?: (rows: readonly R[]) => void;
};

/** A loader of at most one row per key: `null` where no row matches. */
function one<R>(db: Database, query: Query, keyOf: (row: R) => string, options: OneOptions<R> = {}): DataLoader<string, R | null> {
  const { normalize = (key: string) => key, onRows } = options;
  return new DataLoader<string, R | null, string>(
    async (keys) => {
      const rows = fetchIn<R>(db, query, keys.map(normalize));
      onRows?.(rows);
      const byKey = new Map<string, R>();
      for (const row of rows) if (!byKey.has(keyOf(row))) byKey.set(keyOf(row), row);
      return keys.map((key) => byKey.get(normalize(key)) ?? null);
    },
    { cacheKeyFn: normalize, maxBatchSize: MAX_BATCH_SIZE },
  );
}

/** A loader of every row per key, in the query's order: `[]` where no row matches. */
function many<R>(db: Database, query: Query, keyOf: (row: R) => string): DataLoader<string, R[]> {
  return new DataLoader<string, R[]>(
    async (keys) => {
      const byKey = new Map<string, R[]>(keys.map((key) => [key, []]));
      for (const row of fetchIn<R>(db, query, keys)) byKey.get(keyOf(row))?.push(row);
      return keys.map((key) => byKey.get(key) ?? []);
    },
    { maxBatchSize: MAX_BATCH_SIZE },
  );
}

/** The batch's one statement. Table and column names come from this file only, never from a request. */
function fetchIn<R>(db: Database, { table, column, filter, orderBy }: Query, keys: readonly string[]): R[] {
  const placeholders = keys.map(() => '?').join(', ');
  const where = `${filter ? `${filter} AND ` : ''}${column} IN (${placeholders})`;
  return db.all<R>(`SELECT * FROM ${table} WHERE ${where}${orderBy ? ` ORDER BY ${orderBy}` : ''}`, keys);
}
