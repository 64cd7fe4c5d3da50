// Cards with no code: the automatic layout of every demo query on real data, and its edge cases.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildSchema, execute, print } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_LIMITS } from '../src/mapping/auto-layout.ts';
import { Card } from '../src/plain/cards-response.ts';
import type { Component } from '../src/plain/components.ts';
import { createLoaders } from '../src/demo/loaders.ts';
import { createDemoSchema } from '../src/demo/index.ts';
import { DEMO_TENANTS, DEMO_THREADS } from '../src/demo/seed/seed.ts';
import { automatic } from './fixtures/auto-layout/automatic.ts';
import { outline } from './support/outline.ts';
import { ALEX, seededDatabase } from './support/app.ts';

/** Parses the card exactly as it would be sent; the components Plain would receive. */
function sent(components: Component[] | null): Component[] | null {
  return Card.parse({ key: 'auto', timeToLiveSeconds: null, components }).components;
}

// ---- Every demo query, on the demo customers' real rows -----------------------------------------

const db = seededDatabase();
afterAll(() => db.close());
const localSchema = createDemoSchema();
const DEMO_QUERIES = readdirSync('queries').filter((f) => f.endsWith('.graphql')).map((f) => f.replace(/\.graphql$/, '')).sort();

/** The automatic card of a demo query (whether or not it has a mapper) for one customer. */
async function demo(key: string, customer: { id: string; email: string; externalId: string | null } = ALEX): Promise<Component[] | null> {
  const card = automatic(localSchema, readFileSync(`queries/${key}.graphql`, 'utf8'));
  expect(card.problems).toEqual([]);
  const result = await execute({
    schema: localSchema,
    document: card.executable,
    // Alex's cards on the thread about the shipped order, with its tenant; the others' outside a thread.
    variableValues: {
      customerId: customer.id,
      email: customer.email,
      externalId: customer.externalId,
      threadId: customer === ALEX ? DEMO_THREADS.alexShipping : null,
      tenantId: customer === ALEX ? DEMO_TENANTS.grocery : null,
    },
    contextValue: { loaders: createLoaders(db) },
  });
  expect(result.errors).toBeUndefined();
  return sent(card.layout(result.data));
}

describe('the automatic layout of every demo query on alex', () => {
  it('covers every demo query, the mapped ones too', () => {
    expect(DEMO_QUERIES).toEqual(['account-overview', 'customer-details', 'latest-invoice', 'plan-details', 'recent-orders', 'subscription-status', 'tenant-account', 'thread-context', 'usage']);
  });

  it.each(DEMO_QUERIES)('%s stays under 3,500 bytes of JSON', async (key) => {
    expect(Buffer.byteLength(JSON.stringify(await demo(key)))).toBeLessThan(3500);
  });

  it('lays out account-overview from its shape and its hints', async () => {
    expect(outline(await demo('account-overview'))).toMatchInlineSnapshot(`
      "row: text "Name" [S MUTED] | plain "Alex Johnson"
      spacer S
      row: text "External ID" [S MUTED] + plain "customer-id-in-your-backend" [S] | copy "customer-id-in-your-backend" (Copy external ID)
      spacer S
      container
        text "**Company**"
        row: text "Name" [S MUTED] | plain "Grocery Co"
        spacer S
        row: text "Employees" [S MUTED] | text "48"
      spacer S
      container
        text "**Subscription**"
        row: text "Status" [S MUTED] | badge GREEN "Active"
        spacer S
        row: text "Renews" [S MUTED] | text "14 Nov 2026"
        spacer S
        row: text "Cancelling" [S MUTED] | badge GREY "No"
        divider M
        text "**Plan**" [S]
        row: text "Name" [S MUTED] | plain "Growth"
        spacer S
        row: text "Tier" [S MUTED] | badge BLUE "Growth"
      spacer S
      text "**Past-due invoice**"
      container
        row: text "Number" [S MUTED] | plain "INV-000006"
        spacer S
        row: text "Total" [S MUTED] | text "$603.00"
        spacer S
        row: text "Due at" [S MUTED] | text "28 Oct 2026"
        spacer S
        link "View invoice" → https://billing.example.com/invoices/INV-000006"
    `);
  });

  it('lays out customer-details', async () => {
    expect(outline(await demo('customer-details'))).toMatchInlineSnapshot(`
      "row: text "External ID" [S MUTED] + plain "customer-id-in-your-backend" [S] | copy "customer-id-in-your-backend" (Copy external ID)
      spacer S
      row: text "Email" [S MUTED] | plain "alex@grocery.co"
      spacer S
      row: text "Full name" [S MUTED] | plain "Alex Johnson"
      spacer S
      row: text "Created at" [S MUTED] | text "27 Aug 2025, 16:48 UTC"
      spacer S
      container
        text "**Company**"
        row: text "Name" [S MUTED] | plain "Grocery Co"
        spacer S
        row: text "Domain" [S MUTED] | plain "grocery.co""
    `);
  });

  it('lays out latest-invoice', async () => {
    expect(outline(await demo('latest-invoice'))).toMatchInlineSnapshot(`
      "container
        row: text "Number" [S MUTED] | plain "INV-000006"
        spacer S
        row: text "Status" [S MUTED] | badge RED "Past due"
        spacer S
        row: text "Total" [S MUTED] | text "$603.00"
        spacer S
        row: text "Issued at" [S MUTED] | text "14 Oct 2026"
        spacer S
        row: text "Due at" [S MUTED] | text "28 Oct 2026"
        spacer S
        link "Open link" → https://billing.example.com/invoices/INV-000006
        divider M
        text "**Line items**" [S]
        row: text "Description" [S MUTED] | plain "Growth plan (monthly) × 12 seats"
        spacer S
        row: text "Quantity" [S MUTED] | text "12"
        spacer S
        row: text "Unit amount" [S MUTED] | text "$49.00"
        spacer S
        row: text "Amount" [S MUTED] | text "$588.00"
        divider S
        row: text "Description" [S MUTED] | plain "API call overage (per 10k calls)"
        spacer S
        row: text "Quantity" [S MUTED] | text "3"
        spacer S
        row: text "Unit amount" [S MUTED] | text "$5.00"
        spacer S
        row: text "Amount" [S MUTED] | text "$15.00""
    `);
  });

  it('lays out plan-details', async () => {
    expect(outline(await demo('plan-details'))).toMatchInlineSnapshot(`
      "row: text "Status" [S MUTED] | badge GREEN "Active"
      spacer S
      row: text "Seats" [S MUTED] | text "12"
      spacer S
      row: text "Amount" [S MUTED] | text "588.00"
      spacer S
      row: text "Current period end" [S MUTED] | text "14 Nov 2026"
      spacer S
      row: text "Cancel at period end" [S MUTED] | badge GREY "No"
      spacer S
      container
        text "**Plan**"
        row: text "Name" [S MUTED] | plain "Growth"
        spacer S
        row: text "Tier" [S MUTED] | badge GREY "Growth"
        spacer S
        row: text "Unit price" [S MUTED] | text "$49.00"
        spacer S
        row: text "Interval" [S MUTED] | badge GREY "Month""
    `);
  });

  it('lays out recent-orders', async () => {
    expect(outline(await demo('recent-orders'))).toMatchInlineSnapshot(`
      "container
        row: text "Number" [S MUTED] | plain "ORD-000005"
        spacer S
        row: text "Status" [S MUTED] | badge GREEN "Paid"
        spacer S
        row: text "Total" [S MUTED] | text "$59.00"
        spacer S
        row: text "Item count" [S MUTED] | text "1"
        spacer S
        row: text "Placed at" [S MUTED] | text "30 Oct 2026, 21:36 UTC"
      spacer S
      container
        row: text "Number" [S MUTED] | plain "ORD-000004"
        spacer S
        row: text "Status" [S MUTED] | badge BLUE "Shipped"
        spacer S
        row: text "Total" [S MUTED] | text "$234.50"
        spacer S
        row: text "Item count" [S MUTED] | text "3"
        spacer S
        row: text "Placed at" [S MUTED] | text "28 Oct 2026, 16:48 UTC"
        spacer S
        row: text "Carrier" [S MUTED] | plain "UPS"
        spacer S
        link "Tracking URL" → https://track.example.com/ups/1Z999AA10123456784
      text "+1 more" [S MUTED]"
    `);
  });

  it('lays out subscription-status', async () => {
    expect(outline(await demo('subscription-status'))).toMatchInlineSnapshot(`
      "row: text "Status" [S MUTED] | badge GREEN "Active"
      spacer S
      row: text "Started at" [S MUTED] | text "14 Sept 2025"
      spacer S
      row: text "Current period end" [S MUTED] | text "14 Nov 2026"
      spacer S
      row: text "Cancel at period end" [S MUTED] | badge GREY "No""
    `);
  });

  it('lays out usage', async () => {
    expect(outline(await demo('usage'))).toMatchInlineSnapshot(`
      "container
        row: text "Name" [S MUTED] | plain "API calls"
        spacer S
        row: text "Used" [S MUTED] | text "93,412"
        spacer S
        row: text "Limit" [S MUTED] | text "100,000"
        spacer S
        row: text "Unit" [S MUTED] | plain "calls"
        spacer S
        row: text "Period end" [S MUTED] | text "14 Nov 2026"
      spacer S
      container
        row: text "Name" [S MUTED] | plain "Seats"
        spacer S
        row: text "Used" [S MUTED] | text "10"
        spacer S
        row: text "Limit" [S MUTED] | text "12"
        spacer S
        row: text "Unit" [S MUTED] | plain "seats"
        spacer S
        row: text "Period end" [S MUTED] | text "14 Nov 2026"
      spacer S
      container
        row: text "Name" [S MUTED] | plain "Storage"
        spacer S
        row: text "Used" [S MUTED] | text "41"
        spacer S
        row: text "Limit" [S MUTED] | text "100"
        spacer S
        row: text "Unit" [S MUTED] | plain "GB"
        spacer S
        row: text "Period end" [S MUTED] | text "14 Nov 2026"
      text "+1 more" [S MUTED]"
    `);
  });
});

describe('the automatic layout for customers with less data', () => {
  const nobody = { id: 'c_NOBODY', email: 'nobody@nowhere.example', externalId: null };
  const sam = { id: 'c_NONE', email: 'sam@nosub.example', externalId: null };

  it.each(DEMO_QUERIES)('%s is components: null for a customer the data does not know', async (key) => {
    expect(await demo(key, nobody)).toBeNull();
  });

  it.each([
    ['plan-details', 'text "No subscription" [MUTED]'],
    ['subscription-status', 'text "No subscription" [MUTED]'],
    ['recent-orders', 'text "No orders" [MUTED]'],
    ['latest-invoice', 'text "No invoices" [MUTED]'],
    ['usage', 'text "No usage" [MUTED]'],
  ])('%s says what is missing for a customer who has none of it', async (key, expected) => {
    expect(outline(await demo(key, sam))).toBe(expected);
  });
});

// ---- Edge cases, on a schema made to have them --------------------------------------------------

const schema = buildSchema(`
  scalar DateTime
  scalar JSON
  enum Status { ACTIVE PAST_DUE TRIALING PENDING CANCELED SOMETHING_NEW }
  type Query { account(id: ID): Account, accounts: [Account!]!, ping: String }
  type Account {
    id: ID!
    externalId: String
    name: String
    notes: String
    status: Status
    verified: Boolean
    balanceCents: Int
    currency: String
    score: Float
    renewsAt: DateTime
    website: String
    tags: [String]
    statuses: [Status!]
    matrix: [[Int]]
    meta: JSON
    owner: Person
    invoices: [Invoice!]!
  }
  type Person { name: String, manager: Person }
  type Invoice { number: String, url: String, status: Status, lines: [Line!]! }
  type Line { description: String, amountCents: Int }
`);

/** Lays out `{ account: { ... } }` for a selection on Account. */
function account(selection: string, value: Record<string, unknown> | null): Component[] | null {
  return sent(automatic(schema, `query A { account { ${selection} } }`).layout({ account: value }));
}

describe('the automatic layout: what a customer not found looks like', () => {
  it('is components: null when every root field is null', () => {
    expect(sent(automatic(schema, 'query A { account { id } ping }').layout({ account: null, ping: null }))).toBeNull();
  });

  it('is components: null when the only root field is an empty list', () => {
    expect(sent(automatic(schema, 'query A { accounts { id } }').layout({ accounts: [] }))).toBeNull();
  });

  it('is components: null when there is no data at all', () => {
    expect(automatic(schema, 'query A { ping }').layout(null)).toBeNull();
  });

  it('says "Nothing to show" when the customer exists but every field is null or blank', () => {
    const nulls = { id: ' ', externalId: null, name: '', notes: '   ', status: null, verified: null, balanceCents: null, owner: { name: null, manager: null }, invoices: [], tags: [null, ''] };
    expect(outline(account('id externalId name notes status verified balanceCents owner { name manager { name } } invoices { number } tags', nulls))).toBe('text "Nothing to show" [MUTED]');
  });
});

describe('the automatic layout of values', () => {
  it.each([
    ['an enum as a green badge', 'status', { status: 'ACTIVE' }, 'row: text "Status" [S MUTED] | badge GREEN "Active"'],
    ['a failing enum as a red badge', 'status', { status: 'PAST_DUE' }, 'row: text "Status" [S MUTED] | badge RED "Past due"'],
    ['a waiting enum as a yellow badge', 'status', { status: 'PENDING' }, 'row: text "Status" [S MUTED] | badge YELLOW "Pending"'],
    ['a trial as a blue badge', 'status', { status: 'TRIALING' }, 'row: text "Status" [S MUTED] | badge BLUE "Trialing"'],
    ['an unknown enum value as a grey badge', 'status', { status: 'SOMETHING_NEW' }, 'row: text "Status" [S MUTED] | badge GREY "Something new"'],
    ['true as a green Yes', 'verified', { verified: true }, 'row: text "Verified" [S MUTED] | badge GREEN "Yes"'],
    ['false as a grey No', 'verified', { verified: false }, 'row: text "Verified" [S MUTED] | badge GREY "No"'],
    ['an ID with a copy button', 'id', { id: 'acc_42' }, 'row: text "ID" [S MUTED] + plain "acc_42" [S] | copy "acc_42" (Copy ID)'],
    ['a string named like an id with a copy button', 'externalId', { externalId: 'cus_9' }, 'row: text "External ID" [S MUTED] + plain "cus_9" [S] | copy "cus_9" (Copy external ID)'],
    ['a URL as a link button', 'website', { website: 'https://grocery.co/about' }, 'link "Website" → https://grocery.co/about'],
    ['text that is not quite a URL as text', 'website', { website: 'grocery.co' }, 'row: text "Website" [S MUTED] | plain "grocery.co"'],
    ['a date-time at midnight as a date', 'renewsAt', { renewsAt: '2026-12-15T00:00:00.000Z' }, 'row: text "Renews at" [S MUTED] | text "15 Dec 2026"'],
    ['a date-time with a time of day', 'renewsAt', { renewsAt: '2026-12-15T09:30:00Z' }, 'row: text "Renews at" [S MUTED] | text "15 Dec 2026, 09:30 UTC"'],
    ['a date in a string field', 'name', { name: '2026-02-01' }, 'row: text "Name" [S MUTED] | text "1 Feb 2026"'],
    ['an integer with separators', 'score', { score: 1234567 }, 'row: text "Score" [S MUTED] | text "1,234,567"'],
    ['a float', 'score', { score: 0.125 }, 'row: text "Score" [S MUTED] | text "0.125"'],
    ['cents with a currency as money, the currency not repeated', 'balanceCents currency', { balanceCents: 123456, currency: 'EUR' }, 'row: text "Balance" [S MUTED] | text "€1,234.56"'],
    ['cents without a currency as a decimal', 'balanceCents', { balanceCents: 5 }, 'row: text "Balance" [S MUTED] | text "0.05"'],
    ['a currency with no amount to go with as itself', 'currency', { currency: 'EUR' }, 'row: text "Currency" [S MUTED] | plain "EUR"'],
    ['markdown in data literally', 'name', { name: '*Alex* [x](https://evil.example)' }, 'row: text "Name" [S MUTED] | plain "*Alex* [x](https://evil.example)"'],
    ['a custom scalar holding JSON as its text', 'meta', { meta: { plan: 'gold' } }, 'row: text "Meta" [S MUTED] | plain "{\\"plan\\":\\"gold\\"}"'],
    ['an alias as the label', 'renews: renewsAt', { renews: '2026-12-15T00:00:00.000Z' }, 'row: text "Renews" [S MUTED] | text "15 Dec 2026"'],
  ])('shows %s', (_what, selection, value, expected) => {
    expect(outline(account(selection, value))).toBe(expected);
  });

  it('shows a list of enums as badges in one row', () => {
    expect(outline(account('statuses', { statuses: ['ACTIVE', 'PAST_DUE'] }))).toBe('row: text "Statuses" [S MUTED] | badge GREEN "Active" + badge RED "Past due"');
  });

  it('shows a list of lists as one list', () => {
    expect(outline(account('matrix', { matrix: [[1, 2], [null, 3]] }))).toBe('row: text "Matrix" [S MUTED] | text "1" + text "2" + text "3"');
  });

  it.each([
    ['a currency object holding its code', 'price { amountCents currency { code name } }', { price: { amountCents: 4200, currency: { code: 'EUR', name: 'Euro' } } }],
    ['a currencyCode next to the amount', 'price { amountCents currencyCode }', { price: { amountCents: 4200, currencyCode: 'EUR' } }],
  ])('shows money when the currency is %s, and does not repeat the currency', (_what, selection, value) => {
    const card = sent(automatic(buildSchema(`
      type Query { plan: Plan }
      type Plan { price: Price }
      type Price { amountCents: Int, currency: Currency, currencyCode: String }
      type Currency { code: String, name: String }
    `), `query P { plan { ${selection} } }`).layout({ plan: value }));
    expect(outline(card)).toBe('row: text "Amount" [S MUTED] | text "€42.00"');
  });

  describe('Relay-style connections', () => {
    const forge = buildSchema(`
      type Query { viewer: Developer }
      type Developer { login: String, repositories(first: Int): RepositoryConnection!, team: Team }
      type Team { name: String, members(first: Int): DeveloperConnection! }
      type DeveloperConnection { totalCount: Int!, nodes: [Developer!]!, pageInfo: PageInfo! }
      type RepositoryConnection { totalCount: Int!, edges: [RepositoryEdge!]!, nodes: [Repository!]!, pageInfo: PageInfo! }
      type RepositoryEdge { cursor: String!, node: Repository! }
      type Repository { name: String, stars: Int }
      type PageInfo { hasNextPage: Boolean!, endCursor: String }
    `);
    const page = { hasNextPage: true, endCursor: 'Y3Vyc29y' };
    it.each([
      ['nodes', 'repositories(first: 2) { totalCount nodes { name } pageInfo { hasNextPage endCursor } }', { totalCount: 7, nodes: [{ name: 'cardql' }, { name: 'plain' }], pageInfo: page }],
      ['edges { node }', 'repositories(first: 2) { totalCount edges { cursor node { name } } pageInfo { hasNextPage } }', { totalCount: 7, edges: [{ cursor: 'a', node: { name: 'cardql' } }, { cursor: 'b', node: { name: 'plain' } }], pageInfo: page }],
    ])('shows a connection through %s as the list of its nodes under its own label, "+N more" from totalCount, no pageInfo', (_via, selection, repositories) => {
      const card = sent(automatic(forge, `query V { viewer { login ${selection} } }`).layout({ viewer: { login: 'octo', repositories } }));
      const text = outline(card);
      expect(text).toContain('text "**Repositories**"');
      expect(text).toContain('plain "cardql"');
      expect(text).toContain('text "+5 more"');
      expect(text).not.toMatch(/Nodes|Node|Edges|Cursor|Page info|Total count|Has next page/);
    });

    it('titles a nested connection by its own label, without a "Nodes" level', () => {
      const card = sent(automatic(forge, 'query V { viewer { team { name members(first: 1) { nodes { login } } } } }').layout({ viewer: { team: { name: 'Core', members: { nodes: [{ login: 'octo' }] } } } }));
      expect(outline(card)).toContain('text "**Members**"');
      expect(outline(card)).toContain('plain "octo"');
      expect(outline(card)).not.toContain('Nodes');
    });

    it('shows nothing for an empty connection, and "No repositories" when it is all the card has', () => {
      const card = sent(automatic(forge, 'query V { viewer { repositories(first: 2) { totalCount nodes { name } } } }').layout({ viewer: { repositories: { totalCount: 0, nodes: [] } } }));
      expect(outline(card)).toBe('text "No repositories" [MUTED]');
    });
  });

  it('shows an HTML scalar as the text a reader sees, not its tags', () => {
    const card = sent(automatic(buildSchema(`
      scalar HTML
      type Query { developer: Developer }
      type Developer { bio: HTML }
    `), 'query D { developer { bio } }').layout({ developer: { bio: '<p>Builds <b>cards</b> &amp; tools</p><p>Line&nbsp;two<br>three</p>' } }));
    expect(outline(card)).toBe('text "Bio" [S MUTED]\nplain "Builds cards & tools\\nLine two\\nthree"');
  });

  it('puts the currency of an object on the amounts of the objects inside it', () => {
    const card = sent(automatic(buildSchema(`
      type Query { invoice: Invoice }
      type Invoice { currency: String, lines: [Line!]! }
      type Line { amountCents: Int }
    `), 'query I { invoice { currency lines { amountCents } } }').layout({ invoice: { currency: 'GBP', lines: [{ amountCents: 1999 }] } }));
    expect(outline(card)).toMatchInlineSnapshot(`
      "row: text "Currency" [S MUTED] | plain "GBP"
      spacer S
      text "**Lines**"
      container
        row: text "Amount" [S MUTED] | text "£19.99""
    `);
  });
});

describe('the automatic layout within Plain limits', () => {
  it('gives a long value a line of its own and cuts it cleanly at a word', () => {
    const notes = `${'All work and no play makes Jack a dull boy. '.repeat(200)}`;
    const components = account('notes', { notes })!;
    expect(outline(components).split('\n')[0]).toBe('text "Notes" [S MUTED]');
    const shown = (components[1] as { componentPlainText: { plainText: string } }).componentPlainText.plainText;
    expect(shown.length).toBeLessThanOrEqual(AUTO_LIMITS.text);
    expect(shown).toMatch(/ [a-z.]+…$/i);
    expect(notes.startsWith(shown.slice(0, -1))).toBe(true);
  });

  it('cuts a long badge and a long label, and never sends an empty string', () => {
    const long = 'x'.repeat(2000);
    const components = sent(automatic(schema, `query A { account { ${'a'.repeat(300)}: status @badge(color: BLUE) name } }`).layout({ account: { ['a'.repeat(300)]: 'ACTIVE', name: long } }))!;
    for (const value of strings(components)) {
      expect(value.trim()).not.toBe('');
      expect(value.length).toBeLessThanOrEqual(AUTO_LIMITS.text);
    }
  });

  it('offers no copy button for an id longer than Plain lets a copy button hold, rather than copy a cut one', () => {
    const components = account('id', { id: 'k'.repeat(1001) })!;
    expect(JSON.stringify(components)).not.toContain('componentCopyButton');
    expect(outline(components)).toMatch(/^text "ID" \[S MUTED\]\nplain "k+…"$/);
  });

  it('caps a list of objects at three, with a count of the rest', () => {
    const invoices = Array.from({ length: 10 }, (_, i) => ({ number: `INV-${i}` }));
    expect(outline(account('invoices { number }', { invoices }))).toMatchInlineSnapshot(`
      "container
        row: text "Number" [S MUTED] | plain "INV-0"
      spacer S
      container
        row: text "Number" [S MUTED] | plain "INV-1"
      spacer S
      container
        row: text "Number" [S MUTED] | plain "INV-2"
      text "+7 more" [S MUTED]"
    `);
  });

  it('caps a list of values at five, with a count of the rest', () => {
    const tags = Array.from({ length: 12 }, (_, i) => `tag-${i}`);
    expect(outline(account('tags', { tags }))).toBe('row: text "Tags" [S MUTED] | plain "tag-0" + plain "tag-1" + plain "tag-2" + plain "tag-3" + plain "tag-4" + text "+7 more" [S MUTED]');
  });

  it('shows fewer list items when the card would grow past the size budget', () => {
    const invoices = Array.from({ length: 3 }, (_, i) => ({ number: `INV-${i}`, status: 'ACTIVE', url: `https://billing.example.com/${'p'.repeat(600)}/${i}`, lines: [] }));
    const components = account('invoices { number status url }', { invoices })!;
    expect(JSON.stringify(components).length).toBeLessThanOrEqual(AUTO_LIMITS.budget);
    expect(outline(components)).toMatch(/text "\+1 more" \[S MUTED\]$/);
  });

  it('skips empty lists and nulls inside lists', () => {
    expect(outline(account('name invoices { number } tags', { name: 'Acme', invoices: [], tags: [null, ' '] }))).toBe('row: text "Name" [S MUTED] | plain "Acme"');
  });
});

describe("the automatic layout within Plain's nesting rules (container → row → leaf)", () => {
  const deep = {
    name: 'Acme',
    owner: { name: 'Ada', manager: { name: 'Bea', manager: { name: 'Cy', manager: { name: 'Di', manager: null } } } },
    invoices: [{ number: 'INV-1', status: 'PAST_DUE', url: null, lines: [{ description: 'Seats', amountCents: 1200 }, { description: 'Support', amountCents: 300 }] }],
  };

  it('flattens objects nested beyond a container into titled sections of it', () => {
    expect(outline(account('name owner { name manager { name manager { name manager { name manager { name } } } } }', deep))).toMatchInlineSnapshot(`
      "row: text "Name" [S MUTED] | plain "Acme"
      spacer S
      container
        text "**Owner**"
        row: text "Name" [S MUTED] | plain "Ada"
        divider M
        text "**Manager**" [S]
        row: text "Name" [S MUTED] | plain "Bea"
        divider M
        text "**Manager › Manager**" [S]
        row: text "Name" [S MUTED] | plain "Cy"
        divider M
        text "**Manager › Manager › Manager**" [S]
        row: text "Name" [S MUTED] | plain "Di""
    `);
  });

  it('flattens lists inside list items into sections of the item', () => {
    expect(outline(account('invoices { number status lines { description amountCents } }', deep))).toMatchInlineSnapshot(`
      "container
        row: text "Number" [S MUTED] | plain "INV-1"
        spacer S
        row: text "Status" [S MUTED] | badge RED "Past due"
        divider M
        text "**Lines**" [S]
        row: text "Description" [S MUTED] | plain "Seats"
        spacer S
        row: text "Amount" [S MUTED] | text "12.00"
        divider S
        row: text "Description" [S MUTED] | plain "Support"
        spacer S
        row: text "Amount" [S MUTED] | text "3.00""
    `);
  });

  it('puts an object’s own values before its nested sections, whatever the order selected', () => {
    const lines = outline(account('owner { manager { name } name }', deep)).split('\n');
    expect(lines.findIndex((l) => l.includes('"Ada"'))).toBeLessThan(lines.findIndex((l) => l.includes('**Manager**')));
  });

  it('spreads fragments and inline fragments in place', () => {
    const card = automatic(schema, `query A { account { ...Who ... on Account { status } } } fragment Who on Account { name }`);
    expect(outline(sent(card.layout({ account: { name: 'Acme', status: 'ACTIVE' } })))).toBe(
      'row: text "Name" [S MUTED] | plain "Acme"\nspacer S\nrow: text "Status" [S MUTED] | badge GREEN "Active"',
    );
  });

  it('never shows __typename', () => {
    expect(outline(account('__typename name', { __typename: 'Account', name: 'Acme' }))).toBe('row: text "Name" [S MUTED] | plain "Acme"');
  });

  it('gives each branch of a union its own hints where two select the same field, asking for __typename to tell them apart', async () => {
    const forge = buildSchema(`
      type Query { items: [Item!]! }
      union Item = Issue | PullRequest
      type Issue { title: String! url: String! }
      type PullRequest { title: String! url: String! merged: Boolean! }
    `);
    const card = automatic(forge, `query Q { items {
      ... on Issue { title url @link(label: "Open issue") }
      ... on PullRequest { title @label(text: "Pull request") url @link(label: "Open pull request") merged }
    } }`);
    expect(card.problems).toEqual([]);
    expect(print(card.executable)).toMatch(/\.\.\. on PullRequest \{[^}]*\}\s+__typename\s+\}/);
    const items = [
      { __typename: 'PullRequest', title: 'Fix the login', url: 'https://forge.example/pr/7', merged: true },
      { __typename: 'Issue', title: 'Login fails', url: 'https://forge.example/issues/3' },
    ];
    const { data, errors } = await execute({ schema: forge, document: card.executable, rootValue: { items } });
    expect(errors).toBeUndefined();
    expect(outline(sent(card.layout(data)))).toMatchInlineSnapshot(`
      "container
        row: text "Pull request" [S MUTED] | plain "Fix the login"
        spacer S
        link "Open pull request" → https://forge.example/pr/7
        spacer S
        row: text "Merged" [S MUTED] | badge GREEN "Yes"
      spacer S
      container
        row: text "Title" [S MUTED] | plain "Login fails"
        spacer S
        link "Open issue" → https://forge.example/issues/3"
    `);
  });

  it("checks the hints of every branch, not only the first to select a field, reporting each problem once", () => {
    const forge = buildSchema('type Query { items: [Item!]! } union Item = Issue | PullRequest | Commit type Issue { size: Int! } type PullRequest { size: Int! } type Commit { size: Int! }');
    const card = automatic(forge, 'query Q { items {\n ... on Issue { size }\n ... on PullRequest { size @link(label: "Open") }\n ... on Commit { size @link(label: "Open") }\n} }');
    expect(card.problems).toEqual([
      { line: 3, message: '@link needs a field holding a URL (String, ID or a custom scalar), "size" is Int!' },
      { line: 4, message: '@link needs a field holding a URL (String, ID or a custom scalar), "size" is Int!' },
    ]);
  });

  it('keeps the first branch\'s hints for an object whose result says no __typename (a mapper-less card always asks for it)', () => {
    const forge = buildSchema('type Query { items: [Item!]! } union Item = Issue | PullRequest type Issue { url: String! } type PullRequest { url: String! }');
    const card = automatic(forge, 'query Q { items { ... on Issue { url @link(label: "Open issue") } ... on PullRequest { url @link(label: "Open pull request") } } }');
    expect(outline(sent(card.layout({ items: [{ url: 'https://forge.example/pr/7' }] })))).toBe('container\n  link "Open issue" → https://forge.example/pr/7');
  });
});

describe('the automatic layout of any data of the right shape', () => {
  const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ minLength: 4000, maxLength: 6000 }),
    fc.constantFrom('', ' ', '\n\t', 'https://example.com/a', 'http://', '2026-01-02T03:04:05Z', '2026-13-45', '**bold** _it_ [l](u)'),
    fc.webUrl(),
  );
  const status = fc.constantFrom('ACTIVE', 'PAST_DUE', 'TRIALING', 'PENDING', 'CANCELED', 'SOMETHING_NEW');
  const { person } = fc.letrec((tie) => ({
    person: fc.record({ name: nullable(text), manager: fc.option(tie('person'), { nil: null, maxDepth: 5 }) }),
  }));
  const line = fc.record({ description: nullable(text), amountCents: nullable(fc.integer()) });
  const invoice = fc.record({ number: nullable(text), url: nullable(text), status: nullable(status), lines: fc.array(line, { maxLength: 5 }) });
  const accountData = fc.record({
    id: text,
    externalId: nullable(text),
    name: nullable(text),
    notes: nullable(text),
    status: nullable(status),
    verified: nullable(fc.boolean()),
    balanceCents: nullable(fc.integer()),
    currency: nullable(fc.constantFrom('USD', 'EUR', '', 'XX', 'not-a-currency')),
    score: nullable(fc.double({ noNaN: true, noDefaultInfinity: true })),
    renewsAt: nullable(text),
    website: nullable(text),
    tags: nullable(fc.array(nullable(text), { maxLength: 8 })),
    statuses: nullable(fc.array(status, { maxLength: 8 })),
    matrix: nullable(fc.array(fc.array(nullable(fc.integer()), { maxLength: 4 }), { maxLength: 4 })),
    meta: nullable(fc.jsonValue({ maxDepth: 2 })),
    owner: nullable(person),
    invoices: fc.array(invoice, { maxLength: 6 }),
  });
  const selection = `id externalId name notes status verified balanceCents currency score renewsAt website tags statuses matrix meta
    owner { name manager { name manager { name manager { name } } } } invoices { number url status lines { description amountCents } }`;
  const card = automatic(schema, `query A { account { ${selection} } }`);

  it('is always a card Plain accepts, with no blank string, however odd the values', () => {
    fc.assert(
      fc.property(nullable(accountData), (value) => {
        const components = sent(card.layout({ account: value }));
        expect(value === null ? components === null : components !== null && components.length > 0).toBe(true);
        expect(strings(components).filter((s) => !s.trim())).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

/** Every string anywhere in a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
