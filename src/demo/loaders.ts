// Per-request DataLoaders over the demo database: one SQL statement per batch, results in key order, on either engine.
import DataLoader from 'dataloader';
import type { DemoDatabase } from './database.ts';
import type { TableName } from './tables.ts';
import type { CompanyRow, CustomerRow, InvoiceRow, LineItemRow, OrderRow, PlanRow, SubscriptionRow, TenantRow, ThreadRow, UsageRow } from './rows.ts';

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
  orderById: DataLoader<string, OrderRow | null>;
  invoiceById: DataLoader<string, InvoiceRow | null>;
  /** By Plain's thread id. */
  threadByPlainId: DataLoader<string, ThreadRow | null>;
  /** By Plain's tenant id. */
  tenantByPlainId: DataLoader<string, TenantRow | null>;
};

/** How many loaders `createLoaders` makes: a request that touches every field runs at most this many statements. */
export const LOADER_COUNT = 15;

// Bounds both the IN list and the number of distinct SQL texts the statement cache can see per loader.
const MAX_BATCH_SIZE = 100;

/** Creates fresh loaders, and so fresh caches: call once per Plain request, never share across requests. */
export function createLoaders(db: DemoDatabase): Loaders {
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
  const customerBy = (query: Query, column: 'id' | 'external_id' | 'email' | 'plain_customer_id', normalize?: (key: string) => string) =>
    one<CustomerRow>(db, query, (row) => row[column] ?? '', { normalize, onRows: primeCustomers });

  const loaders: Loaders = {
    customerById: customerBy(QUERIES.customerById, 'id'),
    customerByExternalId: customerBy(QUERIES.customerByExternalId, 'external_id'),
    customerByEmail: customerBy(QUERIES.customerByEmail, 'email', normalizeEmail),
    customerByPlainId: customerBy(QUERIES.customerByPlainId, 'plain_customer_id'),
    companyById: one<CompanyRow>(db, QUERIES.companyById, (row) => row.id),
    subscriptionByCustomerId: one<SubscriptionRow>(db, QUERIES.subscriptionByCustomerId, (row) => row.customer_id),
    planById: one<PlanRow>(db, QUERIES.planById, (row) => row.id),
    invoicesByCustomerId: many<InvoiceRow>(db, QUERIES.invoicesByCustomerId, (row) => row.customer_id),
    lineItemsByInvoiceId: many<LineItemRow>(db, QUERIES.lineItemsByInvoiceId, (row) => row.invoice_id),
    usageByCustomerId: many<UsageRow>(db, QUERIES.usageByCustomerId, (row) => row.customer_id),
    ordersByCustomerId: many<OrderRow>(db, QUERIES.ordersByCustomerId, (row) => row.customer_id),
    orderById: one<OrderRow>(db, QUERIES.orderById, (row) => row.id),
    invoiceById: one<InvoiceRow>(db, QUERIES.invoiceById, (row) => row.id),
    threadByPlainId: one<ThreadRow>(db, QUERIES.threadByPlainId, (row) => row.plain_thread_id),
    tenantByPlainId: one<TenantRow>(db, QUERIES.tenantByPlainId, (row) => row.plain_tenant_id),
  };
  return loaders;
}

/** What one batch selects: `SELECT * FROM <table> WHERE [<filter> IN (…) AND] <column> IN (<keys>) [ORDER BY <orderBy>]`. */
type Query = {
  table: TableName;
  column: string;
  filter?: { column: string; in: readonly string[] };
  /** For `one`, the first row of a key in this order wins. */
  orderBy?: ReadonlyArray<readonly [column: string, direction: 'asc' | 'desc']>;
};

const newestFirst = (column: string) => [[column, 'desc'], ['id', 'desc']] as const;

/** One per loader, for the life of the process: their compiled statements are cached under them. */
const QUERIES = {
  customerById: { table: 'customers', column: 'id' },
  customerByExternalId: { table: 'customers', column: 'external_id' },
  customerByEmail: { table: 'customers', column: 'email' },
  customerByPlainId: { table: 'customers', column: 'plain_customer_id' },
  companyById: { table: 'companies', column: 'id' },
  subscriptionByCustomerId: { table: 'subscriptions', column: 'customer_id', filter: { column: 'status', in: ['ACTIVE', 'TRIALING', 'PAST_DUE'] }, orderBy: newestFirst('started_at') },
  planById: { table: 'plans', column: 'id' },
  invoicesByCustomerId: { table: 'invoices', column: 'customer_id', orderBy: newestFirst('issued_at') },
  lineItemsByInvoiceId: { table: 'line_items', column: 'invoice_id', orderBy: [['id', 'asc']] },
  usageByCustomerId: { table: 'usage_metrics', column: 'customer_id', orderBy: [['id', 'asc']] },
  ordersByCustomerId: { table: 'orders', column: 'customer_id', orderBy: newestFirst('placed_at') },
  orderById: { table: 'orders', column: 'id' },
  invoiceById: { table: 'invoices', column: 'id' },
  threadByPlainId: { table: 'threads', column: 'plain_thread_id' },
  tenantByPlainId: { table: 'tenants', column: 'plain_tenant_id' },
} satisfies Record<keyof Loaders, Query>;

type OneOptions<R> = {
  /** Applied to keys for the cache and the query alike. */
  normalize?: (key: string) => string;
  onRows?: (rows: readonly R[]) => void;
};

/** A loader of at most one row per key: `null` where no row matches. */
function one<R>(db: DemoDatabase, query: Query, keyOf: (row: R) => string, options: OneOptions<R> = {}): DataLoader<string, R | null> {
  const { normalize = (key: string) => key, onRows } = options;
  return new DataLoader<string, R | null, string>(
    async (keys) => {
      const rows = await fetchIn<R>(db, query, keys.map(normalize));
      onRows?.(rows);
      const byKey = new Map<string, R>();
      for (const row of rows) if (!byKey.has(keyOf(row))) byKey.set(keyOf(row), row);
      return keys.map((key) => byKey.get(normalize(key)) ?? null);
    },
    { cacheKeyFn: normalize, maxBatchSize: MAX_BATCH_SIZE },
  );
}

/** A loader of every row per key, in the query's order: `[]` where no row matches. */
function many<R>(db: DemoDatabase, query: Query, keyOf: (row: R) => string): DataLoader<string, R[]> {
  return new DataLoader<string, R[]>(
    async (keys) => {
      const byKey = new Map<string, R[]>(keys.map((key) => [key, []]));
      for (const row of await fetchIn<R>(db, query, keys)) byKey.get(keyOf(row))?.push(row);
      return keys.map((key) => byKey.get(key) ?? []);
    },
    { maxBatchSize: MAX_BATCH_SIZE },
  );
}

/**
 * A query compiled by kysely for one batch size: its SQL text, and the parameters around the keys (the
 * filter's values come first). Built on a batch size's first use and kept for the life of the database.
 */
type Template = { sql: string; before: readonly unknown[]; after: readonly unknown[] };

const templates = new WeakMap<DemoDatabase, Map<Query, Array<Template | undefined>>>();

/** The batch's one statement; its shape is compiled once per (query, batch size), then only its parameters change. */
function fetchIn<R>(db: DemoDatabase, query: Query, keys: readonly string[]): R[] | Promise<R[]> {
  let byQuery = templates.get(db);
  if (!byQuery) templates.set(db, (byQuery = new Map()));
  let bySize = byQuery.get(query);
  if (!bySize) byQuery.set(query, (bySize = []));
  const template = (bySize[keys.length] ??= compileTemplate(db, query, keys.length));
  const parameters = template.before.length === 0 && template.after.length === 0 ? keys : [...template.before, ...keys, ...template.after];
  return db.rows<R>({ sql: template.sql, parameters });
}

function compileTemplate(db: DemoDatabase, { table, column, filter, orderBy = [] }: Query, size: number): Template {
  const markers = Array.from({ length: size }, (_, i) => `\u0000key${i}`);
  // Table and column names come from QUERIES only, never from a request; kysely quotes them.
  let builder = db.kysely.selectFrom(table).selectAll() as unknown as DynamicSelect;
  if (filter) builder = builder.where(filter.column, 'in', filter.in);
  builder = builder.where(column, 'in', markers);
  for (const [by, direction] of orderBy) builder = builder.orderBy(by, direction);
  const { sql, parameters } = builder.compile();
  const first = parameters.indexOf(markers[0]);
  if (first < 0 || markers.some((marker, i) => parameters[first + i] !== marker)) {
    throw new Error(`kysely compiled the ${table} batch with its keys apart: expected them side by side in its parameters`);
  }
  return { sql, before: parameters.slice(0, first), after: parameters.slice(first + size) };
}

/** The few builder methods used above, on tables and columns chosen at run time from QUERIES. */
type DynamicSelect = {
  where(column: string, operator: 'in', values: readonly unknown[]): DynamicSelect;
  orderBy(column: string, direction: 'asc' | 'desc'): DynamicSelect;
  compile(): { sql: string; parameters: readonly unknown[] };
};
