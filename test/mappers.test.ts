// The six demo cards: what each shows for a full customer, an empty one and an unknown one, and that Plain accepts it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import customerDetails from '../src/cards/customer-details.ts';
import latestInvoice from '../src/cards/latest-invoice.ts';
import planDetails from '../src/cards/plan-details.ts';
import recentOrders from '../src/cards/recent-orders.ts';
import subscriptionStatus from '../src/cards/subscription-status.ts';
import usage from '../src/cards/usage.ts';
import type {
  CustomerDetailsQuery,
  LatestInvoiceQuery,
  PlanDetailsQuery,
  RecentOrdersQuery,
  SubscriptionStatusQuery,
  UsageQuery,
} from '../src/generated/graphql.ts';
import type { Mapper, CardOutput, MapContext } from '../src/mapping/mapper.ts';
import { formatCount, formatDate, formatMoney, httpUrl, pluralize, presence } from '../src/mapping/format.ts';
import { Card } from '../src/plain/cards-response.ts';
import { outline as outlineComponents } from './support/outline.ts';
import type { Component } from '../src/plain/components.ts';

const context: MapContext = {
  customer: { id: 'c_01GW2NTPQNPWTRKAC0G8Z518W2', email: 'alex@grocery.co', externalId: 'cus_1042' },
  thread: null,
  tenant: null,
};

// ---- Hand-written query results --------------------------------------------------------------

// One subscription feeds both subscription cards: the intersection of what their queries select.
type Subscription = NonNullable<NonNullable<PlanDetailsQuery['customer']>['subscription']> &
  NonNullable<NonNullable<SubscriptionStatusQuery['customer']>['subscription']>;
type Invoice = NonNullable<LatestInvoiceQuery['customer']>['invoices'][number];
type Order = NonNullable<RecentOrdersQuery['customer']>['orders'][number];

const subscription: Subscription = {
  status: 'ACTIVE',
  seats: 12,
  amountCents: 14_400,
  startedAt: '2025-01-15T10:00:00.000Z',
  currentPeriodEnd: '2026-12-15T10:00:00.000Z',
  cancelAtPeriodEnd: false,
  plan: { name: 'Growth', tier: 'GROWTH', unitPriceCents: 1_200, currency: 'USD', interval: 'MONTH' },
};

const plan = {
  full: { customer: { subscription } },
  nothing: { customer: { subscription: null } },
  unknown: { customer: null },
} satisfies Record<string, PlanDetailsQuery>;

const status = {
  full: { customer: { subscription } },
  nothing: { customer: { subscription: null } },
  unknown: { customer: null },
} satisfies Record<string, SubscriptionStatusQuery>;

const details = {
  full: {
    customer: {
      externalId: 'cus_1042',
      email: 'alex@grocery.co',
      fullName: 'Alex *Grocer* Smith',
      createdAt: '2024-03-05T09:30:00.000Z',
      company: { name: 'Grocery Co', domain: 'grocery.co' },
    },
  },
  nothing: { customer: { externalId: ' ', email: '', fullName: '', createdAt: '2024-03-05T09:30:00.000Z', company: null } },
  unknown: { customer: null },
} satisfies Record<string, CustomerDetailsQuery>;

const metric = { name: 'API calls', used: 12_345, limit: 50_000, unit: 'calls', periodEnd: '2026-12-01T00:00:00.000Z' };

const usageData = {
  full: {
    customer: {
      usage: [
        metric,
        { ...metric, name: 'Seats', used: 17, limit: 20, unit: 'seats' },
        { ...metric, name: 'Storage', used: 96, limit: 100, unit: 'GB' },
        { ...metric, name: 'Projects', used: 312, limit: null, unit: '' },
      ],
    },
  },
  nothing: { customer: { usage: [] } },
  unknown: { customer: null },
} satisfies Record<string, UsageQuery>;

const lineItem = { description: 'Growth plan seat', quantity: 12, unitAmountCents: 1_200, amountCents: 14_400 };
const invoice: Invoice = {
  number: 'INV-0042',
  status: 'PAID',
  totalCents: 16_900,
  currency: 'USD',
  issuedAt: '2026-11-01T00:00:00.000Z',
  dueAt: '2026-11-15T00:00:00.000Z',
  paidAt: '2026-11-03T00:00:00.000Z',
  url: 'https://billing.example.com/invoices/INV-0042',
  lineItems: [
    lineItem,
    { description: 'Extra storage (100 GB)', quantity: 1, unitAmountCents: 2_000, amountCents: 2_000 },
    { description: 'Priority support', quantity: 1, unitAmountCents: 500, amountCents: 500 },
    { description: 'Setup fee', quantity: 1, unitAmountCents: 0, amountCents: 0 },
  ],
};

const invoices = {
  full: { customer: { invoices: [invoice] } },
  nothing: { customer: { invoices: [] } },
  unknown: { customer: null },
} satisfies Record<string, LatestInvoiceQuery>;

const order: Order = {
  number: '1042',
  status: 'SHIPPED',
  totalCents: 51_200,
  currency: 'GBP',
  itemCount: 3,
  placedAt: '2026-11-18T14:12:00.000Z',
  carrier: 'DHL',
  trackingUrl: 'https://track.example.com/DHL/1042',
};

const orders = {
  full: {
    customer: {
      orders: [
        order,
        { ...order, number: '1041', status: 'DELIVERED', itemCount: 1, totalCents: 1_999, carrier: null, trackingUrl: null },
        { ...order, number: '1040', status: 'CANCELED', itemCount: 2, carrier: null, trackingUrl: null },
      ],
    },
  },
  nothing: { customer: { orders: [] } },
  unknown: { customer: null },
} satisfies Record<string, RecentOrdersQuery>;

// ---- Helpers ---------------------------------------------------------------------------------

function componentsOf(output: CardOutput): Component[] | null {
  return output === null || Array.isArray(output) ? output : output.components;
}

/** The card exactly as cardql would send it: the mapper's TTL override, else the card's default. */
function toCard(key: string, card: Mapper<never>, data: unknown): Card {
  const output = (card as Mapper<unknown>).map(data, context);
  const ttl = output !== null && !Array.isArray(output) && output.timeToLiveSeconds !== undefined
    ? output.timeToLiveSeconds
    : card.timeToLiveSeconds;
  return { key, timeToLiveSeconds: ttl, components: componentsOf(output) };
}

/** Every string anywhere in a value, to prove none is empty. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The same data with every string made 300 characters long (URLs stay valid), to bound the card's size. */
function stretch<T>(value: T): T {
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\dT/.test(value) || /^[A-Z]{3}$/.test(value) || /^[A-Z_]+$/.test(value)) return value;
    return (value.startsWith('https://') ? `${value}/${'x'.repeat(300)}` : value.padEnd(300, 'x')).slice(0, 300) as T;
  }
  if (Array.isArray(value)) return value.map(stretch) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stretch(v)])) as T;
  }
  return value;
}

/** The outline of a mapper's output: a TTL line first when the mapper chose one. */
function outline(output: CardOutput): string {
  const ttl = output !== null && !Array.isArray(output) ? `ttl ${output.timeToLiveSeconds}\n` : '';
  return ttl + outlineComponents(componentsOf(output));
}

// ---- Every card, every case: valid for Plain --------------------------------------------------

const cards = [
  { key: 'plan-details', card: planDetails, data: plan },
  { key: 'subscription-status', card: subscriptionStatus, data: status },
  { key: 'customer-details', card: customerDetails, data: details },
  { key: 'usage', card: usage, data: usageData },
  { key: 'latest-invoice', card: latestInvoice, data: invoices },
  { key: 'recent-orders', card: recentOrders, data: orders },
] as const;

const cases = cards.flatMap(({ key, card, data }) =>
  Object.entries(data).map(([name, value]) => ({ key, name, card: card as Mapper<never>, value })),
);

describe('every demo card is a card Plain accepts', () => {
  it.each(cases)('$key for a $name customer parses with the response schema', ({ key, card, value }) => {
    const sent = toCard(key, card, value);
    expect(Card.parse(sent)).toEqual(sent);
  });

  it.each(cases)('$key for a $name customer has no empty or blank string', ({ key, card, value }) => {
    expect(strings(toCard(key, card, value).components).filter((s) => s.trim() === '')).toEqual([]);
  });

  it.each(cards)('$key for a full customer stays under 3,500 bytes of JSON', ({ key, card, data }) => {
    const json = JSON.stringify(toCard(key, card as Mapper<never>, data.full));
    expect(Buffer.byteLength(json)).toBeLessThan(3500);
  });

  it.each(cards)('$key stays under 3,500 bytes even when every text is 300 characters long', ({ key, card, data }) => {
    const json = JSON.stringify(toCard(key, card as Mapper<never>, stretch(data.full)));
    expect(Buffer.byteLength(json)).toBeLessThan(3500);
  });

  it.each(cards)('$key is hidden (components null) when no customer matches', ({ key, card, data }) => {
    expect(toCard(key, card as Mapper<never>, data.unknown).components).toBeNull();
  });

  it('caches each card as long as its data stays true: profile data longest, orders shortest', () => {
    expect(Object.fromEntries(cards.map(({ key, card }) => [key, card.timeToLiveSeconds]))).toEqual({
      'customer-details': 3600,
      'plan-details': 900,
      'subscription-status': 300,
      usage: 300,
      'latest-invoice': 300,
      'recent-orders': 120,
    });
  });

  it.each(cards)('$key declares a TTL Plain accepts', ({ card }) => {
    expect(Card.shape.timeToLiveSeconds.parse(card.timeToLiveSeconds)).toBe(card.timeToLiveSeconds);
  });
});

// ---- What each card shows -----------------------------------------------------------------------

describe('plan-details', () => {
  it('shows the plan, its tier, the billed price per interval, seats and renewal date', () => {
    expect(outline(planDetails.map(plan.full, context))).toMatchInlineSnapshot(`
      "container
        row: plain "Growth" + text "Billed monthly" [S MUTED] | badge BLUE "Growth"
        divider M
        row: text "Price" [S MUTED] | text "$144.00 / month" + text "$12.00 per seat" [S MUTED]
        spacer S
        row: text "Seats" [S MUTED] | text "12"
        spacer S
        row: text "Renews" [S MUTED] | text "15 Dec 2026""
    `);
  });

  it('says there is no subscription when the customer has none', () => {
    expect(outline(planDetails.map(plan.nothing, context))).toMatchInlineSnapshot(`"text "No active subscription" [MUTED]"`);
  });

  it('shows when a plan ends, in warning colour, once the customer asked to cancel', () => {
    const data = { customer: { subscription: { ...subscription, cancelAtPeriodEnd: true } } };
    expect(outline(planDetails.map(data, context))).toContain('row: text "Ends" [S MUTED] | text "15 Dec 2026" [WARNING]');
  });

  it('names a plan after its tier when the plan has no name', () => {
    const data = { customer: { subscription: { ...subscription, plan: { ...subscription.plan, name: ' ', tier: 'FREE' as const } } } };
    expect(outline(planDetails.map(data, context))).toContain('row: plain "Free plan" + text "Billed monthly" [S MUTED] | badge GREY "Free"');
  });
});

describe('subscription-status', () => {
  it('shows the status badge, renewal date and start date', () => {
    expect(outline(subscriptionStatus.map(status.full, context))).toMatchInlineSnapshot(`
      "row: text "Status" [S MUTED] | badge GREEN "Active"
      spacer M
      row: text "Renews" [S MUTED] | text "15 Dec 2026"
      spacer M
      row: text "Subscribed since" [S MUTED] | text "15 Jan 2025""
    `);
  });

  it('says there is no active subscription when the customer has none', () => {
    expect(outline(subscriptionStatus.map(status.nothing, context))).toMatchInlineSnapshot(`"text "No active subscription" [MUTED]"`);
  });

  it('warns when the subscription is set to cancel at the end of the period', () => {
    const data = { customer: { subscription: { ...subscription, status: 'PAST_DUE' as const, cancelAtPeriodEnd: true } } };
    expect(outline(subscriptionStatus.map(data, context))).toMatchInlineSnapshot(`
      "row: text "Status" [S MUTED] | badge RED "Past due"
      spacer M
      row: text "Ends" [S MUTED] | text "15 Dec 2026"
      spacer M
      row: text "Subscribed since" [S MUTED] | text "15 Jan 2025"
      spacer M
      text "Set to cancel on 15 Dec 2026: the customer will lose access then." [S WARNING]"
    `);
  });

  it.each([
    ['ACTIVE', 'GREEN', 'Renews'],
    ['TRIALING', 'BLUE', 'Trial ends'],
    ['PAST_DUE', 'RED', 'Renews'],
    ['CANCELED', 'GREY', 'Ended'],
  ] as const)('paints %s as a %s badge and captions the period end "%s"', (value, color, caption) => {
    const data = { customer: { subscription: { ...subscription, status: value } } };
    const shown = outline(subscriptionStatus.map(data, context));
    expect(shown).toContain(`badge ${color}`);
    expect(shown).toContain(`text "${caption}" [S MUTED]`);
  });
});

describe('customer-details', () => {
  it('shows name, email and external id with copy buttons, company and customer since', () => {
    expect(outline(customerDetails.map(details.full, context))).toMatchInlineSnapshot(`
      "container
        plain "Alex *Grocer* Smith"
        row: plain "alex@grocery.co" [S MUTED] | copy "alex@grocery.co" (Copy email)
        divider M
        row: text "Company" [S MUTED] | plain "Grocery Co" + plain "grocery.co" [S MUTED]
        spacer S
        row: text "Customer since" [S MUTED] | text "5 Mar 2024"
        divider M
        text "External ID" [S MUTED]
        row: plain "cus_1042" [S] | copy "cus_1042" (Copy external ID)"
    `);
  });

  it('skips every blank field instead of sending an empty string', () => {
    expect(outline(customerDetails.map(details.nothing, context))).toMatchInlineSnapshot(`
      "container
        row: text "Customer since" [S MUTED] | text "5 Mar 2024""
    `);
  });
});

describe('usage', () => {
  it('shows one row per metric with its share of the limit, or Unlimited', () => {
    expect(outline(usage.map(usageData.full, context))).toMatchInlineSnapshot(`
      "container
        row: plain "API calls" + plain "12,345 / 50,000 calls" [S MUTED] | badge GREEN "24%"
        spacer M
        row: plain "Seats" + plain "17 / 20 seats" [S MUTED] | badge YELLOW "85%"
        spacer M
        row: plain "Storage" + plain "96 / 100 GB" [S MUTED] | badge RED "96%"
        spacer M
        row: plain "Projects" + plain "312" [S MUTED] | badge GREY "Unlimited"
        divider M
        text "Billing period ends 1 Dec 2026" [S MUTED]"
    `);
  });

  it('says nothing was used when there are no metrics', () => {
    expect(outline(usage.map(usageData.nothing, context))).toMatchInlineSnapshot(`"text "No usage recorded this period" [MUTED]"`);
  });

  it.each([
    [0, 100, 'GREEN "0%"'],
    [749, 1000, 'GREEN "74%"'],
    [750, 1000, 'YELLOW "75%"'],
    [899, 1000, 'YELLOW "89%"'],
    [900, 1000, 'RED "90%"'],
    [1500, 1000, 'RED "150%"'],
    [0, 0, 'GREEN "0%"'],
    [1, 0, 'RED "Over limit"'],
  ])('shows %i used of %i as badge %s', (used, limit, expected) => {
    const data = { customer: { usage: [{ ...metric, used, limit }] } };
    expect(outline(usage.map(data, context))).toContain(`badge ${expected}`);
  });

  it('shows at most six metrics and counts the rest', () => {
    const data = { customer: { usage: Array.from({ length: 8 }, (_, i) => ({ ...metric, name: `Metric ${i + 1}` })) } };
    const shown = outline(usage.map(data, context));
    expect(shown).toContain('Metric 6');
    expect(shown).not.toContain('Metric 7');
    expect(shown).toContain('text "+2 more metrics" [S MUTED]');
  });
});

describe('latest-invoice', () => {
  it('shows number, status, total, paid date, three line items and a link to the invoice', () => {
    expect(outline(latestInvoice.map(invoices.full, context))).toMatchInlineSnapshot(`
      "container
        row: plain "Invoice INV-0042" + text "Issued 1 Nov 2026" [S MUTED] | badge GREEN "Paid"
        divider M
        row: text "Total" [S MUTED] | text "$169.00"
        spacer S
        row: text "Paid" [S MUTED] | text "3 Nov 2026"
        divider M
        row: plain "Growth plan seat" [S] + text "12 × $12.00" [S MUTED] | text "$144.00" [S]
        spacer XS
        row: plain "Extra storage (100 GB)" [S] + text "1 × $20.00" [S MUTED] | text "$20.00" [S]
        spacer XS
        row: plain "Priority support" [S] + text "1 × $5.00" [S MUTED] | text "$5.00" [S]
        spacer XS
        text "+1 more item" [S MUTED]
        divider M
        link "View invoice" → https://billing.example.com/invoices/INV-0042"
    `);
  });

  it('says there are no invoices yet when the list is empty', () => {
    expect(outline(latestInvoice.map(invoices.nothing, context))).toMatchInlineSnapshot(`"text "No invoices yet" [MUTED]"`);
  });

  it('refreshes a past-due invoice every minute and shows its due date as an error', () => {
    const data = { customer: { invoices: [{ ...invoice, status: 'PAST_DUE' as const, paidAt: null, lineItems: [lineItem] }] } };
    expect(outline(latestInvoice.map(data, context))).toMatchInlineSnapshot(`
      "ttl 60
      container
        row: plain "Invoice INV-0042" + text "Issued 1 Nov 2026" [S MUTED] | badge RED "Past due"
        divider M
        row: text "Total" [S MUTED] | text "$169.00"
        spacer S
        row: text "Due" [S MUTED] | text "15 Nov 2026" [ERROR]
        divider M
        row: plain "Growth plan seat" [S] + text "12 × $12.00" [S MUTED] | text "$144.00" [S]
        divider M
        link "View invoice" → https://billing.example.com/invoices/INV-0042"
    `);
  });

  it('leaves out the link button when the invoice URL is not an absolute http(s) URL', () => {
    const data = { customer: { invoices: [{ ...invoice, url: '/invoices/INV-0042' }] } };
    expect(outline(latestInvoice.map(data, context))).not.toContain('link');
  });
});

describe('recent-orders', () => {
  it('shows each order in its own box with status, total, carrier and tracking link', () => {
    expect(outline(recentOrders.map(orders.full, context))).toMatchInlineSnapshot(`
      "container
        row: plain "Order #1042" + text "18 Nov 2026" [S MUTED] | badge BLUE "Shipped"
        divider M
        row: text "Total" [S MUTED] | text "£512.00" + text "3 items" [S MUTED]
        spacer S
        row: text "Carrier" [S MUTED] | plain "DHL"
        divider M
        link "Track shipment" → https://track.example.com/DHL/1042
      spacer S
      container
        row: plain "Order #1041" + text "18 Nov 2026" [S MUTED] | badge GREEN "Delivered"
        divider M
        row: text "Total" [S MUTED] | text "£19.99" + text "1 item" [S MUTED]
      spacer S
      container
        row: plain "Order #1040" + text "18 Nov 2026" [S MUTED] | badge GREY "Canceled"
        divider M
        row: text "Total" [S MUTED] | text "£512.00" + text "2 items" [S MUTED]"
    `);
  });

  it('says there are no orders yet when the list is empty', () => {
    expect(outline(recentOrders.map(orders.nothing, context))).toMatchInlineSnapshot(`"text "No orders yet" [MUTED]"`);
  });

  it.each([
    ['PENDING', 'YELLOW'],
    ['PAID', 'YELLOW'],
    ['SHIPPED', 'BLUE'],
    ['DELIVERED', 'GREEN'],
    ['CANCELED', 'GREY'],
    ['RETURNED', 'GREY'],
  ] as const)('paints a %s order as a %s badge', (value, color) => {
    const data = { customer: { orders: [{ ...order, status: value }] } };
    expect(outline(recentOrders.map(data, context))).toContain(`badge ${color}`);
  });

  it('leaves out the tracking button when the tracking URL is not usable', () => {
    const data = { customer: { orders: [{ ...order, trackingUrl: 'not a url' }] } };
    expect(outline(recentOrders.map(data, context))).not.toContain('Track shipment');
  });
});

describe('the formatters the cards lean on', () => {
  it.each([
    ['  Alex ', 'Alex'],
    ['', null],
    ['   ', null],
    [null, null],
  ])('presence(%j) is %j', (value, expected) => {
    expect(presence(value)).toBe(expected);
  });

  it.each([
    ['https://example.com/a', 'https://example.com/a'],
    ['http://example.com', 'http://example.com'],
    ['/relative/path', null],
    ['javascript:alert(1)', null],
    ['not a url', null],
    [null, null],
  ])('httpUrl(%j) is %j', (value, expected) => {
    expect(httpUrl(value)).toBe(expected);
  });

  it('formats money in any ISO currency and keeps a malformed code instead of throwing', () => {
    expect([formatMoney(51_200, 'GBP'), formatMoney(123_450, 'USD'), formatMoney(123_450, 'US')]).toEqual([
      '£512.00',
      '$1,234.50',
      '1,234.50 US',
    ]);
  });

  it.each([
    ['2026-03-05T10:11:12.000Z', '5 Mar 2026'],
    ['2026-09-30T23:59:59.999Z', '30 Sept 2026'],
    ['2027-01-01T00:00:00.000Z', '1 Jan 2027'],
    ['2024-02-29T12:00:00.000Z', '29 Feb 2024'],
    ['2026-12-31T23:30:00-02:00', '1 Jan 2027'],
  ])('formatDate(%j) is %j, the day in UTC', (iso, expected) => {
    expect(formatDate(iso)).toBe(expected);
  });

  it('formatDate names every month, and refuses a string that is not a date', () => {
    const months = Array.from({ length: 12 }, (_, month) => formatDate(new Date(Date.UTC(2026, month, 15)).toISOString()).split(' ')[1]);
    expect(months).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec']);
    expect(() => formatDate('yesterday')).toThrow(/expected an ISO 8601 date, received "yesterday"/);
  });

  it('formatCount groups every safe integer as en-US does, and writes -0 as 0', () => {
    const enUS = new Intl.NumberFormat('en-US');
    fc.assert(
      fc.property(fc.maxSafeInteger().filter((n) => !Object.is(n, -0)), (n) => {
        expect(formatCount(n)).toBe(enUS.format(n));
      }),
      { numRuns: 5_000 },
    );
    expect([0, 999, 1000, -1000, 1234567, -0].map(formatCount)).toEqual(['0', '999', '1,000', '-1,000', '1,234,567', '0']);
    expect([1234.5678, Number.MAX_SAFE_INTEGER + 2].map(formatCount)).toEqual(['1,234.568', '9,007,199,254,740,992']);
  });

  it('pluralizes with an s except for exactly one', () => {
    expect([pluralize(0, 'item'), pluralize(1, 'item'), pluralize(1200, 'item')]).toEqual(['0 items', '1 item', '1,200 items']);
  });
});
