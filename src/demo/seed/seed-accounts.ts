// Generated billing and orders for one seeded customer: a subscription, and the invoices, usage and orders that follow.
import type { Random } from './random.ts';
import type { BillingInterval, CustomerRow, OrderStatus, PlanTier, SubscriptionRow, SubscriptionStatus } from '../rows.ts';
import { addDays, addIntervals, planId, trackingUrl, type SeedBuilder } from './seed-builder.ts';

const DAY_MS = 86_400_000;
const NET_DAYS = 14;
const TRIAL_DAYS = 14;
const CARRIERS = ['UPS', 'FedEx', 'DHL', 'USPS'];
const API_CALL_LIMIT: Record<PlanTier, number | null> = { FREE: 1_000, STARTER: 10_000, GROWTH: 100_000, ENTERPRISE: null };
const STORAGE_LIMIT_GB: Record<PlanTier, number> = { FREE: 1, STARTER: 10, GROWTH: 100, ENTERPRISE: 1_000 };
const SEATS: Record<PlanTier, readonly [number, number]> = { FREE: [1, 3], STARTER: [1, 10], GROWTH: [5, 50], ENTERPRISE: [20, 400] };
const ADD_ONS = [
  { description: 'API call overage (per 10k calls)', unit_amount_cents: 500, max: 20 },
  { description: 'Extra storage (10 GB)', unit_amount_cents: 200, max: 5 },
  { description: 'Premium support', unit_amount_cents: 19_900, max: 1 },
  { description: 'Onboarding session', unit_amount_cents: 25_000, max: 2 },
];

// Rows are written as full literals, never `{ ...shared, more }`: spread once more by the builder, that pattern
// costs V8 a quarter of a second over the whole seed (docs/performance.md).

/** Adds a customer's subscription (about 1 in 8 have none), its invoices and usage, and 0–8 orders. */
export function seedAccount(seed: SeedBuilder, random: Random, anchor: Date, customer: CustomerRow): void {
  const createdAt = new Date(customer.created_at);
  const status = random.weighted<SubscriptionStatus | null>([[null, 12], ['CANCELED', 10], ['TRIALING', 8], ['PAST_DUE', 8], ['ACTIVE', 62]]);
  if (status) {
    // Nobody trials or owes money on the free plan.
    const free = status === 'TRIALING' || status === 'PAST_DUE' ? 0 : 25;
    const tier = random.weighted<PlanTier>([['FREE', free], ['STARTER', 30], ['GROWTH', 30], ['ENTERPRISE', 15]]);
    const interval: BillingInterval = random.chance(0.25) ? 'YEAR' : 'MONTH';
    const subscription = seedSubscription(seed, random, anchor, createdAt, { customerId: customer.id, status, tier, interval });
    if (tier !== 'FREE' && status !== 'TRIALING') seedInvoices(seed, random, anchor, subscription, interval);
    if (status !== 'CANCELED') seedUsage(seed, random, subscription, tier, interval);
  }
  seedOrders(seed, random, anchor, customer.id, createdAt);
}

type Choice = { customerId: string; status: SubscriptionStatus; tier: PlanTier; interval: BillingInterval };

function seedSubscription(seed: SeedBuilder, random: Random, anchor: Date, createdAt: Date, choice: Choice): SubscriptionRow {
  const { customerId, status, tier, interval } = choice;
  const [planIdentifier, seats] = [planId(tier, interval), random.int(...SEATS[tier])];
  const add = (start: Date, end: Date, cancelAtPeriodEnd: 0 | 1): SubscriptionRow =>
    seed.subscription({
      customer_id: customerId, plan_id: planIdentifier, status, seats,
      started_at: start.toISOString(), current_period_end: end.toISOString(), cancel_at_period_end: cancelAtPeriodEnd,
    });
  if (status === 'TRIALING') {
    const start = addDays(anchor, -random.int(0, TRIAL_DAYS - 1) - random.next());
    return add(start, addDays(start, TRIAL_DAYS), 0);
  }
  // A past-due customer has had an invoice long enough for it to be overdue (customers are at least 60 days old).
  const latestStartDays = status === 'PAST_DUE' ? 45 : 1;
  const spanDays = (anchor.getTime() - createdAt.getTime()) / DAY_MS - latestStartDays;
  const start = addDays(anchor, -latestStartDays - random.next() * spanDays);
  const periods = periodsStarted(start, interval, anchor);
  if (status !== 'CANCELED') return add(start, addIntervals(start, interval, periods), random.chance(0.08) ? 1 : 0);
  // A cancelled subscription ran for some of those periods and has ended before the anchor, if need be mid-period.
  const end = addIntervals(start, interval, Math.max(1, periods - 1 - random.int(0, 3)));
  const ended = end <= anchor ? end : addDays(start, (0.5 + random.next() / 2) * ((anchor.getTime() - start.getTime()) / DAY_MS));
  return add(start, ended, 1);
}

/** One invoice per billed period (the newest 0–12); an unpaid one is past due once its due date has gone. */
function seedInvoices(seed: SeedBuilder, random: Random, anchor: Date, subscription: SubscriptionRow, interval: BillingInterval): void {
  const plan = seed.data.plans.find((candidate) => candidate.id === subscription.plan_id);
  if (!plan) throw new Error(`seed bug: subscription ${subscription.id} has unknown plan ${subscription.plan_id}`);
  const start = new Date(subscription.started_at);
  // Every period that began before the subscription ended, and not after the anchor, was invoiced.
  const periods = periodsStarted(start, interval, minDate(anchor, addDays(new Date(subscription.current_period_end), -0.001)));
  const pastDue = subscription.status === 'PAST_DUE';
  const count = Math.min(periods, random.int(pastDue ? 2 : 0, 12));
  const billed = Array.from({ length: count }, (_, age) => addIntervals(start, interval, periods - 1 - age)); // newest first
  // A past-due subscription owes at least one invoice whose due date has gone, even when the newest is still open.
  const newestNotYetDue = billed[0] !== undefined && addDays(billed[0], NET_DAYS) > anchor;
  const unpaid = pastDue ? random.int(1, 2) + (newestNotYetDue ? 1 : 0) : random.chance(0.04) ? 1 : 0;
  const planLine = `${plan.name} plan (${interval === 'YEAR' ? 'yearly' : 'monthly'}) × ${subscription.seats} seats`;
  billed.forEach((issuedAt, age) => {
    const dueAt = addDays(issuedAt, NET_DAYS);
    const open = age < unpaid || (age === 0 && dueAt > anchor && random.chance(0.5));
    const status = open ? (dueAt < anchor ? 'PAST_DUE' : 'OPEN') : random.chance(0.04) ? 'VOID' : 'PAID';
    const paidAt = status === 'PAID' ? minDate(addDays(issuedAt, random.int(0, 10) + random.next()), anchor).toISOString() : null;
    const items = [{ description: planLine, quantity: subscription.seats, unit_amount_cents: plan.unit_price_cents }];
    for (const { description, unit_amount_cents, max } of ADD_ONS) {
      if (items.length < 4 && random.chance(0.15)) items.push({ description, quantity: random.int(1, max), unit_amount_cents });
    }
    const [issued, due] = [issuedAt.toISOString(), dueAt.toISOString()];
    seed.invoice({ customer_id: subscription.customer_id, status, currency: plan.currency, issued_at: issued, due_at: due, paid_at: paidAt }, items);
  });
}

function seedUsage(seed: SeedBuilder, random: Random, subscription: SubscriptionRow, tier: PlanTier, interval: BillingInterval): void {
  const periodEnd = new Date(subscription.current_period_end);
  const periodStart = subscription.status === 'TRIALING' ? new Date(subscription.started_at) : addIntervals(periodEnd, interval, -1);
  const [customerId, start, end] = [subscription.customer_id, periodStart.toISOString(), periodEnd.toISOString()];
  const add = (metric: string, name: string, used: number, limit: number | null, unit: string): void => {
    seed.usage({ customer_id: customerId, metric, name, used, usage_limit: limit, unit, period_start: start, period_end: end });
  };
  // Up to 5% over the limit, so some customers show as over quota.
  const measure = (limit: number | null, unlimitedMax: number): number => random.int(0, limit === null ? unlimitedMax : Math.ceil(limit * 1.05));
  add('api_calls', 'API calls', measure(API_CALL_LIMIT[tier], 5_000_000), API_CALL_LIMIT[tier], 'calls');
  add('seats', 'Seats', random.int(1, subscription.seats), subscription.seats, 'seats');
  add('storage_gb', 'Storage', measure(STORAGE_LIMIT_GB[tier], 0), STORAGE_LIMIT_GB[tier], 'GB');
  if (random.chance(0.5)) add('webhook_deliveries', 'Webhook deliveries', measure(null, 250_000), null, 'deliveries');
}

/** Orders age into their status: recent ones are pending or in transit, older ones delivered, cancelled or returned. */
function seedOrders(seed: SeedBuilder, random: Random, anchor: Date, customerId: string, createdAt: Date): void {
  const count = random.chance(0.4) ? 0 : random.int(1, 8);
  const lifetimeDays = (anchor.getTime() - createdAt.getTime()) / DAY_MS;
  for (let i = 0; i < count; i += 1) {
    const ageDays = random.next() * lifetimeDays;
    const status: OrderStatus =
      ageDays < 2 ? random.pick(['PENDING', 'PAID'] as const)
      : ageDays < 7 ? random.pick(['PAID', 'SHIPPED', 'SHIPPED'] as const)
      : random.weighted([['DELIVERED', 8], ['CANCELED', 1], ['RETURNED', 1]] as const);
    const carrier = status === 'SHIPPED' || status === 'DELIVERED' || status === 'RETURNED' ? random.pick(CARRIERS) : null;
    const code = carrier === 'UPS' ? `1Z${random.string('0123456789ABCDEFGHJKLMNPQRSTUVWXYZ', 16)}` : random.string('0123456789', 12);
    const tracking = carrier !== null && status !== 'RETURNED' ? trackingUrl(carrier, code) : null;
    const items = random.int(1, 6);
    const total = items * random.int(999, 19_999);
    const placedAt = addDays(anchor, -ageDays).toISOString();
    seed.order({ customer_id: customerId, status, total_cents: total, currency: 'USD', item_count: items, placed_at: placedAt, carrier, tracking_url: tracking });
  }
}

/** How many billing periods have begun by `at` (at least one: the one starting at `start`). */
function periodsStarted(start: Date, interval: BillingInterval, at: Date): number {
  const months = (at.getUTCFullYear() - start.getUTCFullYear()) * 12 + at.getUTCMonth() - start.getUTCMonth();
  let periods = Math.max(0, Math.floor(months / (interval === 'YEAR' ? 12 : 1)));
  // Month arithmetic ignores the day of the month, so the estimate can be one period off either way.
  if (periods > 0 && addIntervals(start, interval, periods) > at) periods -= 1;
  else if (addIntervals(start, interval, periods + 1) <= at) periods += 1;
  return periods + 1;
}

function minDate(a: Date, b: Date): Date {
  return a < b ? a : b;
}
