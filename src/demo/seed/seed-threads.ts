// The demo's Plain tenants and threads: the workspaces and support threads of the hand-written customers.
import type { SeedBuilder } from './seed-builder.ts';
import { addDays } from './seed-builder.ts';
import { DEMO_CUSTOMERS } from './seed-demo.ts';

/** Plain's ids of the demo tenants (`tenant.id` in Plain's request, `$tenantId`). */
export const DEMO_TENANTS = {
  /** Grocery Co's workspace: Alex's company, a dedicated account manager. */
  grocery: 'te_01HQ4Z8N6V2M7K3T9P5R1XWCJD',
  /** Tallow & Finch's workspace: Casey's company, standard support and no account manager. */
  tallow: 'te_01HV9C3M5T7Q2W8K4N6R1XZBDP',
} as const;

/** Plain's ids of the demo threads (`thread.id` in Plain's request, `$threadId`). */
export const DEMO_THREADS = {
  /** Alex asks where the order in transit is (the thread id of Plain's docs); tenant Grocery Co. */
  alexShipping: 'th_01J2HV0V702XKWMG58G169BS23',
  /** Alex asks about the past-due invoice; tenant Grocery Co. */
  alexBilling: 'th_01JCB0V4QW5T8M2X7R9N3KDHZE',
  /** Taylor, on a trial, asks about the API; no tenant yet. */
  taylorApi: 'th_01JD3M8R6T2V9X4N7Q5W1KCBFY',
  /** Casey asks to export their data after cancelling; tenant Tallow & Finch. */
  caseyExport: 'th_01HY7K2D9F5Q3W8R6T1N4MXVCB',
} as const;

const iso = (date: Date): string => date.toISOString();

/** Adds the tenants and threads above; runs after the hand-written customers, whose rows it looks up. */
export function seedDemoThreads(seed: SeedBuilder, anchor: Date): void {
  const { customers, companies, orders, invoices } = seed.data;
  const customerId = (email: string): string => required(customers.find((c) => c.email === email), email).id;
  const companyId = (domain: string): string => required(companies.find((c) => c.domain === domain), domain).id;
  const alex = customerId(DEMO_CUSTOMERS.alex.email);
  const grocery = seed.tenant({
    plain_tenant_id: DEMO_TENANTS.grocery, name: 'Grocery Co', company_id: companyId('grocery.co'), support_tier: 'DEDICATED',
    account_manager: 'Jordan Lee', seats_used: 10, seat_limit: 12, renews_at: iso(addDays(anchor, 12)),
  });
  const tallow = seed.tenant({
    plain_tenant_id: DEMO_TENANTS.tallow, name: 'Tallow & Finch', company_id: companyId('tallowandfinch.example'), support_tier: 'STANDARD',
    account_manager: null, seats_used: 0, seat_limit: 5, renews_at: null,
  });
  const shipped = required(orders.find((o) => o.customer_id === alex && o.status === 'SHIPPED'), 'Alex’s shipped order');
  const pastDue = required(invoices.find((i) => i.customer_id === alex && i.status === 'PAST_DUE'), 'Alex’s past-due invoice');
  const none = { order_id: null, invoice_id: null };
  seed.thread({
    plain_thread_id: DEMO_THREADS.alexShipping, customer_id: alex, tenant_id: grocery.id, subject: 'Where is my order?',
    topic: 'SHIPPING', priority: 'HIGH', opened_at: iso(addDays(anchor, -0.3)), ...none, order_id: shipped.id,
  });
  seed.thread({
    plain_thread_id: DEMO_THREADS.alexBilling, customer_id: alex, tenant_id: grocery.id, subject: 'Why was I charged for overage?',
    topic: 'BILLING', priority: 'NORMAL', opened_at: iso(addDays(anchor, -2.6)), ...none, invoice_id: pastDue.id,
  });
  seed.thread({
    plain_thread_id: DEMO_THREADS.taylorApi, customer_id: customerId(DEMO_CUSTOMERS.trialing.email), tenant_id: null,
    subject: 'API keys for our staging environment', topic: 'TECHNICAL', priority: 'LOW', opened_at: iso(addDays(anchor, -1.2)), ...none,
  });
  seed.thread({
    plain_thread_id: DEMO_THREADS.caseyExport, customer_id: customerId(DEMO_CUSTOMERS.canceled.email), tenant_id: tallow.id,
    subject: 'Exporting our data after cancelling', topic: 'ACCOUNT', priority: 'NORMAL', opened_at: iso(addDays(anchor, -5.4)), ...none,
  });
}

function required<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new Error(`the demo seed has no ${what}: the hand-written customers must be seeded first`);
  return row;
}
