// The hand-written customers of the demo seed: stable identities that docs, cards and tests can rely on.
import { addDays, addMonths, planId, trackingUrl, type SeedBuilder } from './seed-builder.ts';

/** Identities of the fixed customers; every other seeded customer is generated. */
export const DEMO_CUSTOMERS = {
  /** Plain's own example customer: active Growth plan, newest invoice past due, a metric at 93%, orders in transit. */
  alex: { email: 'alex@grocery.co', externalId: 'customer-id-in-your-backend', plainCustomerId: 'c_01GW2NTPQNPWTRKAC0G8Z518W2' },
  /** No company, subscription, invoices, usage or orders, and not linked to Plain. */
  noData: { email: 'sam@nosub.example', externalId: 'cust-no-data', plainCustomerId: null },
  /** A Starter trial with usage but no invoices yet. */
  trialing: { email: 'taylor@trialing.example', externalId: 'cust-trialing', plainCustomerId: 'c_01JB7Q4M2T8XKZ5N9R3W6YHCFD' },
  /** Cancelled: no current subscription, only past invoices and orders. */
  canceled: { email: 'casey@canceled.example', externalId: 'cust-canceled', plainCustomerId: 'c_01HX3D5C8NC3PKD7K9QW2MRT4V' },
} as const;

type Demo = (typeof DEMO_CUSTOMERS)[keyof typeof DEMO_CUSTOMERS];
const NET_DAYS = 14;
const iso = (date: Date): string => date.toISOString();

/** Adds the fixed customers first, so they get the lowest ids: `cus_000001` is Alex, then Sam, Taylor, Casey. */
export function seedDemoCustomers(seed: SeedBuilder, anchor: Date): void {
  seedAlex(seed, anchor);
  customer(seed, DEMO_CUSTOMERS.noData, 'Sam Patel', null, addDays(anchor, -200.4));
  seedTaylor(seed, anchor);
  seedCasey(seed, anchor);
}

function customer(seed: SeedBuilder, demo: Demo, fullName: string, companyId: string | null, createdAt: Date): string {
  const { email, externalId, plainCustomerId } = demo;
  const fields = { external_id: externalId, plain_customer_id: plainCustomerId, email, full_name: fullName, company_id: companyId };
  return seed.customer({ ...fields, created_at: iso(createdAt) }).id;
}

function seedAlex(seed: SeedBuilder, anchor: Date): void {
  const company = seed.company({ name: 'Grocery Co', domain: 'grocery.co', industry: 'Retail', employee_count: 48 });
  const id = customer(seed, DEMO_CUSTOMERS.alex, 'Alex Johnson', company.id, addDays(anchor, -430.3));
  const periodStart = addDays(anchor, -18);
  const periodEnd = addMonths(periodStart, 1);
  const growthStart = addMonths(periodStart, -13);
  // An earlier Starter subscription, so "the current subscription" has something to skip.
  seed.subscription({
    customer_id: id, plan_id: planId('STARTER', 'MONTH'), status: 'CANCELED', seats: 4,
    started_at: iso(addMonths(growthStart, -6)), current_period_end: iso(growthStart), cancel_at_period_end: 1,
  });
  seed.subscription({
    customer_id: id, plan_id: planId('GROWTH', 'MONTH'), status: 'ACTIVE', seats: 12,
    started_at: iso(growthStart), current_period_end: iso(periodEnd), cancel_at_period_end: 0,
  });
  for (let age = 5; age >= 0; age -= 1) {
    const issued = addMonths(periodStart, -age);
    const pastDue = age === 0; // issued 18 days ago on net-14 terms: 4 days overdue
    const items = [{ description: 'Growth plan (monthly) × 12 seats', quantity: 12, unit_amount_cents: 4900 }];
    if (age === 0 || age === 3) items.push({ description: 'API call overage (per 10k calls)', quantity: age === 0 ? 3 : 1, unit_amount_cents: 500 });
    if (age === 5) items.push({ description: 'Onboarding session', quantity: 1, unit_amount_cents: 25_000 });
    const paidAt = pastDue ? null : iso(addDays(issued, 2.2));
    const status = pastDue ? 'PAST_DUE' : 'PAID';
    seed.invoice({ customer_id: id, status, currency: 'USD', issued_at: iso(issued), due_at: iso(addDays(issued, NET_DAYS)), paid_at: paidAt }, items);
  }
  const usage = (metric: string, name: string, used: number, limit: number | null, unit: string): void => {
    seed.usage({ customer_id: id, metric, name, used, usage_limit: limit, unit, period_start: iso(periodStart), period_end: iso(periodEnd) });
  };
  usage('api_calls', 'API calls', 93_412, 100_000, 'calls');
  usage('seats', 'Seats', 10, 12, 'seats');
  usage('storage_gb', 'Storage', 41, 100, 'GB');
  usage('webhook_deliveries', 'Webhook deliveries', 18_230, null, 'deliveries');
  const order = (status: 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELED', total: number, items: number, daysAgo: number, carrier?: string, code?: string): void => {
    const tracking = carrier && code ? { carrier, tracking_url: trackingUrl(carrier, code) } : { carrier: null, tracking_url: null };
    seed.order({ customer_id: id, status, total_cents: total, currency: 'USD', item_count: items, placed_at: iso(addDays(anchor, -daysAgo)), ...tracking });
  };
  order('DELIVERED', 129_900, 6, 140.6, 'DHL', '4829175630');
  order('CANCELED', 8_900, 1, 70.2);
  order('DELIVERED', 45_800, 2, 26.4, 'FedEx', '612999AA10123456');
  order('SHIPPED', 23_450, 3, 3.3, 'UPS', '1Z999AA10123456784');
  order('PAID', 5_900, 1, 1.1);
}

function seedTaylor(seed: SeedBuilder, anchor: Date): void {
  const company = seed.company({ name: 'Brightside Studio', domain: 'brightside.example', industry: 'Media', employee_count: 7 });
  const id = customer(seed, DEMO_CUSTOMERS.trialing, 'Taylor Brooks', company.id, addDays(anchor, -6.5));
  const trialStart = addDays(anchor, -6);
  const trialEnd = addDays(trialStart, 14);
  seed.subscription({
    customer_id: id, plan_id: planId('STARTER', 'MONTH'), status: 'TRIALING', seats: 3,
    started_at: iso(trialStart), current_period_end: iso(trialEnd), cancel_at_period_end: 0,
  });
  for (const [metric, name, used, limit, unit] of [
    ['api_calls', 'API calls', 2_150, 10_000, 'calls'],
    ['seats', 'Seats', 2, 3, 'seats'],
    ['storage_gb', 'Storage', 1, 10, 'GB'],
  ] as const) {
    seed.usage({ customer_id: id, metric, name, used, usage_limit: limit, unit, period_start: iso(trialStart), period_end: iso(trialEnd) });
  }
}

function seedCasey(seed: SeedBuilder, anchor: Date): void {
  const company = seed.company({ name: 'Tallow & Finch', domain: 'tallowandfinch.example', industry: 'Hospitality', employee_count: 22 });
  const id = customer(seed, DEMO_CUSTOMERS.canceled, 'Casey Morgan', company.id, addDays(anchor, -800.8));
  const ended = addDays(anchor, -40);
  const started = addMonths(ended, -24);
  seed.subscription({
    customer_id: id, plan_id: planId('GROWTH', 'YEAR'), status: 'CANCELED', seats: 5,
    started_at: iso(started), current_period_end: iso(ended), cancel_at_period_end: 1,
  });
  for (const issued of [started, addMonths(started, 12)]) {
    const items = [{ description: 'Growth plan (yearly) × 5 seats', quantity: 5, unit_amount_cents: 49_000 }];
    const dates = { issued_at: iso(issued), due_at: iso(addDays(issued, NET_DAYS)), paid_at: iso(addDays(issued, 5)) };
    seed.invoice({ customer_id: id, status: 'PAID', currency: 'USD', ...dates }, items);
  }
  for (const [total, items, daysAgo, code] of [[18_900, 2, 300.2, '9400111899223344556677'], [7_400, 1, 95.7, '9400111899223344550011']] as const) {
    const tracking = { carrier: 'USPS', tracking_url: trackingUrl('USPS', code) };
    seed.order({ customer_id: id, status: 'DELIVERED', total_cents: total, currency: 'USD', item_count: items, placed_at: iso(addDays(anchor, -daysAgo)), ...tracking });
  }
}
