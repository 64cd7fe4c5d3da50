// Per-request loaders and the local schema over them: key order, one statement per batch, Alex's data end to end.
import { execute, parse, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase } from '../src/demo/sqlite.ts';
import type { CustomerRow } from '../src/demo/rows.ts';
import { DEMO_CUSTOMERS, DEMO_TENANTS, DEMO_THREADS } from '../src/demo/seed/seed.ts';
import { createDemoSchema } from '../src/demo/index.ts';
import { createLoaders, LOADER_COUNT, type Loaders } from '../src/demo/loaders.ts';


const ANCHOR = new Date('2026-11-01T00:00:00Z');
const MISSING = 'no-such-key';

let db: SqliteDatabase;
const ids: Record<keyof typeof DEMO_CUSTOMERS, CustomerRow> = {} as Record<keyof typeof DEMO_CUSTOMERS, CustomerRow>;
beforeAll(() => {
  db = openSqliteDatabase({ path: ':memory:', anchor: ANCHOR });
  for (const name of Object.keys(DEMO_CUSTOMERS) as (keyof typeof DEMO_CUSTOMERS)[]) {
    const [row] = db.all<CustomerRow>('SELECT * FROM customers WHERE email = ?', [DEMO_CUSTOMERS[name].email]);
    if (!row) throw new Error(`missing fixed customer ${name}`);
    ids[name] = row;
  }
});
afterAll(() => db.close());

/** Runs `work` and returns how many SQL statements it executed. */
async function statementsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = db.statementCount;
  await work();
  return db.statementCount - before;
}

function firstId(table: string, where = '1 = 1'): string {
  const [row] = db.all<{ id: string }>(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT 1`, []);
  if (!row) throw new Error(`no row in ${table}`);
  return row.id;
}

type Case = { loader: keyof Loaders; keys: () => string[]; column: string; expected?: () => string[] };

// Keys deliberately out of id order with a miss in the middle: results must follow the keys anyway.
const CASES: Case[] = [
  { loader: 'customerById', keys: () => [ids.canceled.id, MISSING, ids.alex.id], column: 'id' },
  { loader: 'customerByExternalId', keys: () => [ids.trialing.external_id, MISSING, ids.alex.external_id], column: 'external_id' },
  { loader: 'customerByEmail', keys: () => [' ALEX@Grocery.co', MISSING, ids.noData.email], column: 'email', expected: () => ['alex@grocery.co', MISSING, ids.noData.email] },
  { loader: 'customerByPlainId', keys: () => [DEMO_CUSTOMERS.canceled.plainCustomerId, MISSING, DEMO_CUSTOMERS.alex.plainCustomerId], column: 'plain_customer_id' },
  { loader: 'companyById', keys: () => [ids.trialing.company_id ?? '', MISSING, ids.alex.company_id ?? ''], column: 'id' },
  { loader: 'subscriptionByCustomerId', keys: () => [ids.trialing.id, ids.canceled.id, ids.alex.id], column: 'customer_id', expected: () => [ids.trialing.id, MISSING, ids.alex.id] },
  { loader: 'planById', keys: () => ['plan_growth_year', MISSING, 'plan_free_month'], column: 'id' },
  { loader: 'invoicesByCustomerId', keys: () => [ids.canceled.id, ids.noData.id, ids.alex.id], column: 'customer_id', expected: () => [ids.canceled.id, MISSING, ids.alex.id] },
  { loader: 'lineItemsByInvoiceId', keys: () => [firstId('invoices', "customer_id != 'cus_000001'"), MISSING, firstId('invoices')], column: 'invoice_id' },
  { loader: 'usageByCustomerId', keys: () => [ids.trialing.id, ids.canceled.id, ids.alex.id], column: 'customer_id', expected: () => [ids.trialing.id, MISSING, ids.alex.id] },
  { loader: 'ordersByCustomerId', keys: () => [ids.canceled.id, ids.trialing.id, ids.alex.id], column: 'customer_id', expected: () => [ids.canceled.id, MISSING, ids.alex.id] },
  { loader: 'orderById', keys: () => [firstId('orders', "customer_id != 'cus_000001'"), MISSING, firstId('orders')], column: 'id' },
  { loader: 'invoiceById', keys: () => [firstId('invoices', "customer_id != 'cus_000001'"), MISSING, firstId('invoices')], column: 'id' },
  { loader: 'threadByPlainId', keys: () => [DEMO_THREADS.caseyExport, MISSING, DEMO_THREADS.alexShipping], column: 'plain_thread_id' },
  { loader: 'tenantByPlainId', keys: () => [DEMO_TENANTS.tallow, MISSING, DEMO_TENANTS.grocery], column: 'plain_tenant_id' },
];

/** The key a result belongs to: its column for a row, the shared column for a list, MISSING for null or []. */
function keyOfResult(result: unknown, column: string): string {
  const rows = (Array.isArray(result) ? result : result === null ? [] : [result]) as Record<string, unknown>[];
  const keys = new Set(rows.map((row) => String(row[column])));
  return keys.size === 0 ? MISSING : [...keys].join('|');
}

describe('each loader', () => {
  it('is counted by LOADER_COUNT', () => {
    expect(Object.keys(createLoaders(db))).toHaveLength(LOADER_COUNT);
    expect(CASES.map((c) => c.loader).sort()).toEqual(Object.keys(createLoaders(db)).sort());
  });

  it.each(CASES)('$loader returns results in key order, empty for a missing key, from one statement', async ({ loader, keys, column, expected }) => {
    const loaders = createLoaders(db);
    const batch = keys();
    let results: unknown[] = [];
    const statements = await statementsDuring(async () => {
      results = await Promise.all(batch.map((key) => loaders[loader].load(key)));
    });
    expect(statements).toBe(1);
    expect(results.map((result) => keyOfResult(result, column))).toEqual(expected?.() ?? batch);
    expect(results[1]).toEqual(Array.isArray(results[0]) ? [] : null);
  });
});

describe('loader caching within one request', () => {
  it('primes the other customer loaders, so a customer found by email costs nothing by id or Plain id', async () => {
    const loaders = createLoaders(db);
    await loaders.customerByEmail.load(DEMO_CUSTOMERS.alex.email);
    const statements = await statementsDuring(() =>
      Promise.all([loaders.customerById.load(ids.alex.id), loaders.customerByPlainId.load(DEMO_CUSTOMERS.alex.plainCustomerId), loaders.customerByExternalId.load(ids.alex.external_id)]),
    );
    expect(statements).toBe(0);
  });

  it('keeps the current subscription only: Alex has a cancelled Starter one and an active Growth one', async () => {
    expect(await createLoaders(db).subscriptionByCustomerId.load(ids.alex.id)).toMatchObject({ plan_id: 'plan_growth_month', status: 'ACTIVE' });
  });

  it('lists invoices and orders newest first', async () => {
    const loaders = createLoaders(db);
    const issued = (await loaders.invoicesByCustomerId.load(ids.alex.id)).map((invoice) => invoice.issued_at);
    const placed = (await loaders.ordersByCustomerId.load(ids.alex.id)).map((order) => order.placed_at);
    expect(issued).toEqual([...issued].sort().reverse());
    expect(placed).toEqual([...placed].sort().reverse());
  });
});

const ALEX_QUERY = /* GraphQL */ `
  query Alex($externalId: ID, $email: String, $plainCustomerId: ID) {
    customer(externalId: $externalId, email: $email, plainCustomerId: $plainCustomerId) {
      fullName
      createdAt
      company { name domain }
      subscription { status seats amountCents cancelAtPeriodEnd currentPeriodEnd plan { name tier interval unitPriceCents currency } }
      invoices(first: 3) { number status totalCents issuedAt paidAt url lineItems { amountCents } }
      usage { metric used limit }
      orders(first: 10) { status carrier trackingUrl }
    }
  }
`;

type Data = Record<string, unknown> | null | undefined;

async function run(query: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult & { statements: number }> {
  const schema = createDemoSchema();
  let result: ExecutionResult = {};
  const statements = await statementsDuring(async () => {
    result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: { loaders: createLoaders(db) } });
  });
  return { ...result, statements };
}

describe('the local schema', () => {
  it("answers Alex's subscription, plan, invoices, usage and orders, in no more statements than there are loaders", async () => {
    const { data, errors, statements } = await run(ALEX_QUERY, { externalId: DEMO_CUSTOMERS.alex.externalId });
    expect(errors).toBeUndefined();
    const customer = data?.customer as Record<string, Data & Record<string, unknown>>;
    expect(customer.fullName).toBe('Alex Johnson');
    expect(customer.company).toEqual({ name: 'Grocery Co', domain: 'grocery.co' });
    expect(customer.subscription).toMatchObject({
      status: 'ACTIVE',
      seats: 12,
      amountCents: 12 * 4900,
      cancelAtPeriodEnd: false,
      plan: { name: 'Growth', tier: 'GROWTH', interval: 'MONTH', unitPriceCents: 4900, currency: 'USD' },
    });
    const invoices = customer.invoices as unknown as { status: string; totalCents: number; paidAt: string | null; url: string; lineItems: { amountCents: number }[] }[];
    expect(invoices.map((invoice) => invoice.status)).toEqual(['PAST_DUE', 'PAID', 'PAID']);
    expect(invoices[0]?.paidAt).toBeNull();
    for (const invoice of invoices) {
      expect(invoice.url).toMatch(/^https:\/\/billing\.example\.com\/invoices\/INV-\d{6}$/);
      expect(invoice.totalCents).toBe(invoice.lineItems.reduce((sum, item) => sum + item.amountCents, 0));
    }
    expect(customer.orders).toContainEqual({ status: 'SHIPPED', carrier: 'UPS', trackingUrl: 'https://track.example.com/ups/1Z999AA10123456784' });
    expect(customer.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(statements).toBeLessThanOrEqual(LOADER_COUNT);
  });

  it.each([
    ['an external id', { externalId: 'cust-trialing' }, 'Taylor Brooks'],
    ['an email, when the external id matches nobody', { externalId: MISSING, email: 'Casey@Canceled.example' }, 'Casey Morgan'],
    ["Plain's customer id, when nothing else matches", { externalId: MISSING, email: 'nobody@example.com', plainCustomerId: DEMO_CUSTOMERS.alex.plainCustomerId }, 'Alex Johnson'],
    ['nothing, when no identifier matches', { externalId: MISSING, email: 'nobody@example.com', plainCustomerId: 'c_NOPE' }, null],
  ])('finds a customer by %s', async (_how, variables, fullName) => {
    const { data, errors } = await run('query($externalId: ID, $email: String, $plainCustomerId: ID) { customer(externalId: $externalId, email: $email, plainCustomerId: $plainCustomerId) { fullName } }', variables);
    expect(errors).toBeUndefined();
    expect(data?.customer).toEqual(fullName === null ? null : { fullName });
  });

  it('answers null and empty lists for a customer without a company, subscription, invoices, usage or orders', async () => {
    const { data, errors } = await run('{ customer(externalId: "cust-no-data") { plainCustomerId company { name } subscription { status } invoices { id } usage { metric } orders { id } } }');
    expect(errors).toBeUndefined();
    expect(data?.customer).toEqual({ plainCustomerId: null, company: null, subscription: null, invoices: [], usage: [], orders: [] });
  });

  it('has no subscription for a cancelled customer, but keeps its paid invoices', async () => {
    const { data } = await run('{ customer(externalId: "cust-canceled") { subscription { status } invoices { status } } }');
    expect(data?.customer).toEqual({ subscription: null, invoices: [{ status: 'PAID' }, { status: 'PAID' }] });
  });

  it.each([
    ['filters invoices by status', '(status: PAID)', 5],
    ['clamps first to at least 1', '(first: 0)', 1],
    ['clamps first to at most 50, never more than exist', '(first: 1000)', 6],
    ['defaults first to 10 when given null', '(first: null)', 6],
  ])('%s', async (_rule, args, expected) => {
    const { data, errors } = await run(`{ customer(externalId: "customer-id-in-your-backend") { invoices${args} { status } } }`);
    expect(errors).toBeUndefined();
    expect((data?.customer as { invoices: unknown[] }).invoices).toHaveLength(expected);
  });

  it('batches lookups for several customers in one query into the same statements as for one', async () => {
    const fields = 'fullName company { name } subscription { plan { tier } amountCents } invoices { lineItems { id } } usage { used } orders { id }';
    const { errors, statements } = await run(`{
      a: customer(externalId: "customer-id-in-your-backend") { ${fields} }
      b: customer(externalId: "cust-trialing") { ${fields} }
      c: customer(externalId: "cust-canceled") { ${fields} }
    }`);
    expect(errors).toBeUndefined();
    expect(statements).toBeLessThanOrEqual(LOADER_COUNT);
  });

  it('has no subscription root: the billing Subscription type is an ordinary object type', () => {
    expect(createDemoSchema().getSubscriptionType()).toBeUndefined();
  });
});
