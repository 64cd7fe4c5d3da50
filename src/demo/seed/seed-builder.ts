// Shared by the hand-written and generated seed: id sequences, derived fields (totals, urls) and date math.
import type {
  BillingInterval,
  CompanyRow,
  CustomerRow,
  InvoiceRow,
  LineItemRow,
  OrderRow,
  PlanRow,
  PlanTier,
  SubscriptionRow,
  TenantRow,
  ThreadRow,
  UsageRow,
} from '../rows.ts';

/** Every row to insert, keyed by table. */
export type SeedData = {
  plans: PlanRow[];
  companies: CompanyRow[];
  customers: CustomerRow[];
  subscriptions: SubscriptionRow[];
  invoices: InvoiceRow[];
  line_items: LineItemRow[];
  usage_metrics: UsageRow[];
  orders: OrderRow[];
  tenants: TenantRow[];
  threads: ThreadRow[];
};

const MONTHLY_PRICE_CENTS: Record<PlanTier, number> = { FREE: 0, STARTER: 1500, GROWTH: 4900, ENTERPRISE: 9900 };

/** The plan row id for a tier and interval, e.g. `plan_growth_month`. */
export function planId(tier: PlanTier, interval: BillingInterval): string {
  return `plan_${tier.toLowerCase()}_${interval.toLowerCase()}`;
}

/** Four tiers, each billed monthly or yearly; a year costs ten months. */
export const PLANS: readonly PlanRow[] = (['FREE', 'STARTER', 'GROWTH', 'ENTERPRISE'] as const).flatMap((tier) =>
  (['MONTH', 'YEAR'] as const).map((interval) => ({
    id: planId(tier, interval),
    name: tier.charAt(0) + tier.slice(1).toLowerCase(),
    tier,
    unit_price_cents: MONTHLY_PRICE_CENTS[tier] * (interval === 'YEAR' ? 10 : 1),
    currency: 'USD',
    billing_interval: interval,
  })),
);

const DAY_MS = 86_400_000;

/** `date` moved by a (possibly fractional, possibly negative) number of days. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + Math.round(days * DAY_MS));
}

/** `date` moved by whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

export function addIntervals(date: Date, interval: BillingInterval, count: number): Date {
  return addMonths(date, interval === 'YEAR' ? 12 * count : count);
}

/** Hosted pages live on fake domains so nothing in the demo points at a real service. */
export function trackingUrl(carrier: string, code: string): string {
  return `https://track.example.com/${carrier.toLowerCase()}/${code}`;
}

type NewInvoice = Omit<InvoiceRow, 'id' | 'number' | 'url' | 'total_cents'>;
type NewLineItem = Omit<LineItemRow, 'id' | 'invoice_id' | 'amount_cents'>;

/** Collects seed rows and hands out sequential ids, so both seed halves share one numbering. */
export class SeedBuilder {
  readonly data: SeedData = {
    plans: [...PLANS],
    companies: [],
    customers: [],
    subscriptions: [],
    invoices: [],
    line_items: [],
    usage_metrics: [],
    orders: [],
    tenants: [],
    threads: [],
  };

  company(fields: Omit<CompanyRow, 'id'>): CompanyRow {
    return push(this.data.companies, { id: sequenceId('co', this.data.companies), ...fields });
  }

  customer(fields: Omit<CustomerRow, 'id'>): CustomerRow {
    return push(this.data.customers, { id: sequenceId('cus', this.data.customers), ...fields });
  }

  subscription(fields: Omit<SubscriptionRow, 'id'>): SubscriptionRow {
    return push(this.data.subscriptions, { id: sequenceId('sub', this.data.subscriptions), ...fields });
  }

  /** Adds an invoice with its line items; the total is their sum, so the two can never disagree. */
  invoice(fields: NewInvoice, items: readonly NewLineItem[]): InvoiceRow {
    const id = sequenceId('in', this.data.invoices);
    const number = `INV-${id.slice(3)}`;
    let total = 0;
    for (const item of items) {
      const amount = item.quantity * item.unit_amount_cents;
      total += amount;
      const { description, quantity, unit_amount_cents } = item;
      push(this.data.line_items, { id: sequenceId('li', this.data.line_items), invoice_id: id, description, quantity, unit_amount_cents, amount_cents: amount });
    }
    const url = `https://billing.example.com/invoices/${number}`;
    return push(this.data.invoices, { id, number, url, total_cents: total, ...fields });
  }

  usage(fields: Omit<UsageRow, 'id'>): UsageRow {
    return push(this.data.usage_metrics, { id: sequenceId('um', this.data.usage_metrics), ...fields });
  }

  order(fields: Omit<OrderRow, 'id' | 'number'>): OrderRow {
    const id = sequenceId('ord', this.data.orders);
    return push(this.data.orders, { id, number: `ORD-${id.slice(4)}`, ...fields });
  }

  tenant(fields: Omit<TenantRow, 'id'>): TenantRow {
    return push(this.data.tenants, { id: sequenceId('ten', this.data.tenants), ...fields });
  }

  thread(fields: Omit<ThreadRow, 'id'>): ThreadRow {
    return push(this.data.threads, { id: sequenceId('thr', this.data.threads), ...fields });
  }
}

function sequenceId(prefix: string, rows: readonly unknown[]): string {
  return `${prefix}_${String(rows.length + 1).padStart(6, '0')}`;
}

function push<T>(rows: T[], row: T): T {
  rows.push(row);
  return row;
}
