// The handwritten server's data code: for each stored query, the plain JavaScript a person would write
// to build the same result from the same SQL (better-sqlite3, no GraphQL at request time).
//
// Written once per card at start-up by walking the query's selection, so that the 6 demo cards and
// the 19 bench fixture cards get exactly the fields cardql's answer has; what runs per request is
// object literals over rows, and a per-request memo so that each table is read once, as DataLoader
// does. The statements are the loaders' texts (src/demo/loaders.ts) for one key.
import type BetterSqlite3 from 'better-sqlite3';
import { Kind, parse, type FieldNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

type Row = Record<string, unknown>;

/** The statements, one per loader, as the loaders write them for a batch of one key. */
export const STATEMENTS = {
  customerByExternalId: 'SELECT * FROM customers WHERE external_id IN (?)',
  customerByEmail: 'SELECT * FROM customers WHERE email IN (?)',
  customerByPlainId: 'SELECT * FROM customers WHERE plain_customer_id IN (?)',
  company: 'SELECT * FROM companies WHERE id IN (?)',
  subscription: "SELECT * FROM subscriptions WHERE status IN ('ACTIVE', 'TRIALING', 'PAST_DUE') AND customer_id IN (?) ORDER BY started_at DESC, id DESC",
  plan: 'SELECT * FROM plans WHERE id IN (?)',
  invoices: 'SELECT * FROM invoices WHERE customer_id IN (?) ORDER BY issued_at DESC, id DESC',
  lineItems: 'SELECT * FROM line_items WHERE invoice_id IN (?) ORDER BY id',
  usage: 'SELECT * FROM usage_metrics WHERE customer_id IN (?) ORDER BY id',
  orders: 'SELECT * FROM orders WHERE customer_id IN (?) ORDER BY placed_at DESC, id DESC',
} as const;

type Statements = { [K in keyof typeof STATEMENTS]: BetterSqlite3.Statement };

/** One Plain request's reads: each table once per key, like the request's DataLoaders. */
export class RequestData {
  #company = new Map<string, Row | null>();
  #subscription = new Map<string, Row | null>();
  #plan = new Map<string, Row | null>();
  #invoices = new Map<string, Row[]>();
  #lineItems = new Map<string, Row[]>();
  #usage = new Map<string, Row[]>();
  #orders = new Map<string, Row[]>();
  #customer: Row | null | undefined;

  constructor(
    readonly statements: Statements,
    readonly customer: { externalId: string | null; email: string; id: string },
  ) {}

  /** The customer by external id, then email, then Plain's id: the resolver's order. */
  findCustomer(): Row | null {
    if (this.#customer !== undefined) return this.#customer;
    const { externalId, email, id } = this.customer;
    const s = this.statements;
    const found =
      (externalId ? (s.customerByExternalId.get(externalId) as Row | undefined) : undefined) ??
      (email ? (s.customerByEmail.get(email.trim().toLowerCase()) as Row | undefined) : undefined) ??
      (id ? (s.customerByPlainId.get(id) as Row | undefined) : undefined);
    return (this.#customer = found ?? null);
  }
  company(customer: Row): Row | null {
    return customer.company_id ? one(this.#company, this.statements.company, customer.company_id as string) : null;
  }
  subscription(customer: Row): Row | null {
    return one(this.#subscription, this.statements.subscription, customer.id as string);
  }
  plan(subscription: Row): Row {
    return one(this.#plan, this.statements.plan, subscription.plan_id as string)!;
  }
  invoices(customer: Row): Row[] {
    return many(this.#invoices, this.statements.invoices, customer.id as string);
  }
  lineItems(invoice: Row): Row[] {
    return many(this.#lineItems, this.statements.lineItems, invoice.id as string);
  }
  usage(customer: Row): Row[] {
    return many(this.#usage, this.statements.usage, customer.id as string);
  }
  orders(customer: Row): Row[] {
    return many(this.#orders, this.statements.orders, customer.id as string);
  }
}

function one(memo: Map<string, Row | null>, statement: BetterSqlite3.Statement, key: string): Row | null {
  let row = memo.get(key);
  if (row === undefined) memo.set(key, (row = (statement.get(key) as Row | undefined) ?? null));
  return row;
}

function many(memo: Map<string, Row[]>, statement: BetterSqlite3.Statement, key: string): Row[] {
  let rows = memo.get(key);
  if (rows === undefined) memo.set(key, (rows = statement.all(key) as Row[]));
  return rows;
}

export function prepareStatements(sqlite: BetterSqlite3.Database): Statements {
  return Object.fromEntries(Object.entries(STATEMENTS).map(([name, sql]) => [name, sqlite.prepare(sql)])) as Statements;
}

/** A card's data function: the query's result for one request, `data` as GraphQL would answer it. */
export type DataFunction = (data: RequestData) => Record<string, unknown>;

/** Columns per GraphQL field, per type: the resolvers' mapping (src/demo/resolvers.ts), written out. */
const SCALARS: Record<string, Record<string, string>> = {
  Customer: { id: '$.id', externalId: '$.external_id', plainCustomerId: '$.plain_customer_id', email: '$.email', fullName: '$.full_name', createdAt: '$.created_at' },
  Company: { id: '$.id', name: '$.name', domain: '$.domain', industry: '$.industry', employeeCount: '$.employee_count' },
  Plan: { id: '$.id', name: '$.name', tier: '$.tier', unitPriceCents: '$.unit_price_cents', currency: '$.currency', interval: '$.billing_interval' },
  Subscription: {
    id: '$.id',
    status: '$.status',
    seats: '$.seats',
    startedAt: '$.started_at',
    currentPeriodEnd: '$.current_period_end',
    cancelAtPeriodEnd: '$.cancel_at_period_end === 1',
    amountCents: '$.seats * q.plan($).unit_price_cents',
  },
  Invoice: { id: '$.id', number: '$.number', status: '$.status', totalCents: '$.total_cents', currency: '$.currency', issuedAt: '$.issued_at', dueAt: '$.due_at', paidAt: '$.paid_at', url: '$.url' },
  InvoiceLineItem: { id: '$.id', description: '$.description', quantity: '$.quantity', unitAmountCents: '$.unit_amount_cents', amountCents: '$.amount_cents' },
  UsageMetric: { metric: '$.metric', name: '$.name', used: '$.used', limit: '$.usage_limit', unit: '$.unit', periodStart: '$.period_start', periodEnd: '$.period_end' },
  Order: { id: '$.id', number: '$.number', status: '$.status', totalCents: '$.total_cents', currency: '$.currency', itemCount: '$.item_count', placedAt: '$.placed_at', carrier: '$.carrier', trackingUrl: '$.tracking_url' },
};

/** Object fields: the type they lead to, and how their value is read (a row, `null`, or a list). */
const OBJECTS: Record<string, Record<string, { type: string; read: (args: Record<string, unknown>) => string; list?: boolean }>> = {
  Customer: {
    company: { type: 'Company', read: () => 'q.company($)' },
    subscription: { type: 'Subscription', read: () => 'q.subscription($)' },
    invoices: {
      type: 'Invoice',
      list: true,
      read: ({ first, status }) => `q.invoices($)${status ? `.filter((i) => i.status === ${JSON.stringify(status)})` : ''}.slice(0, ${page(first, 10)})`,
    },
    usage: { type: 'UsageMetric', list: true, read: () => 'q.usage($)' },
    orders: { type: 'Order', list: true, read: ({ first }) => `q.orders($).slice(0, ${page(first, 5)})` },
  },
  Subscription: { plan: { type: 'Plan', read: () => 'q.plan($)' } },
  Invoice: { lineItems: { type: 'InvoiceLineItem', list: true, read: () => 'q.lineItems($)' } },
};

function page(first: unknown, fallback: number): number {
  return Math.min(50, Math.max(1, typeof first === 'number' ? first : fallback));
}

/**
 * The data function for one stored query over the demo schema: `{ customer(...) { … } }`, literal
 * arguments only below the root (the demo and fixture cards use no others).
 */
export function dataFunctionFor(queryText: string): DataFunction {
  const operation = parse(queryText).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  let depth = 0;
  const objectCode = (type: string, set: SelectionSetNode, variable: string): string => {
    const parts = set.selections.map((selection) => {
      if (selection.kind !== Kind.FIELD) throw new Error(`handwritten: only fields, received ${selection.kind}`);
      return `${JSON.stringify(selection.alias?.value ?? selection.name.value)}: ${fieldCode(type, selection, variable)}`;
    });
    return `{ ${parts.join(', ')} }`;
  };
  const fieldCode = (type: string, field: FieldNode, variable: string): string => {
    const name = field.name.value;
    const scalar = SCALARS[type]?.[name];
    if (scalar) return scalar.replaceAll('$', variable);
    const object = OBJECTS[type]?.[name];
    if (!object || !field.selectionSet) throw new Error(`handwritten: no code for ${type}.${name}`);
    const args = Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, literal(a.value)]));
    const read = object.read(args).replaceAll('$', variable);
    const inner = `v${++depth}`;
    const body = objectCode(object.type, field.selectionSet, inner);
    return object.list ? `${read}.map((${inner}) => (${body}))` : `((${inner}) => ${inner} === null ? null : ${body})(${read})`;
  };
  const root = operation.selectionSet.selections[0] as FieldNode;
  const key = JSON.stringify(root.alias?.value ?? root.name.value);
  const code = `const c = q.findCustomer(); return { ${key}: c === null ? null : ${objectCode('Customer', root.selectionSet!, 'c')} };`;
  return new Function('q', code) as DataFunction;
}

function literal(value: ValueNode): unknown {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.ENUM || value.kind === Kind.STRING) return value.value;
  if (value.kind === Kind.NULL) return null;
  throw new Error(`handwritten: literal arguments only, received ${value.kind}`);
}
