// Resolvers of the in-process schema: map database rows to GraphQL fields, reading only through the request's loaders.
import type { PlanRow, SubscriptionRow } from './rows.ts';
import type { Resolvers } from './resolvers-types.ts';
import type { Context } from './context.ts';
import { DateTime } from './date-time.ts';

const MAX_PAGE = 50;

/** Every resolver of schema.graphql. Parents are rows from src/demo/rows.ts, as configured in codegen.yml's `mappers`. */
export const resolvers: Resolvers = {
  DateTime,

  Query: {
    // Identifiers are tried in the documented order; one that matches nobody falls through to the next.
    async customer(_root, { externalId, email, plainCustomerId }, { loaders }) {
      const lookups = [
        [loaders.customerByExternalId, externalId],
        [loaders.customerByEmail, email],
        [loaders.customerByPlainId, plainCustomerId],
      ] as const;
      for (const [loader, key] of lookups) {
        if (!key) continue;
        const customer = await loader.load(key);
        if (customer) return customer;
      }
      return null;
    },
    thread: (_root, { plainThreadId }, { loaders }) => (plainThreadId ? loaders.threadByPlainId.load(plainThreadId) : null),
    tenant: (_root, { plainTenantId }, { loaders }) => (plainTenantId ? loaders.tenantByPlainId.load(plainTenantId) : null),
  },

  Customer: {
    externalId: (customer) => customer.external_id,
    plainCustomerId: (customer) => customer.plain_customer_id,
    fullName: (customer) => customer.full_name,
    createdAt: (customer) => customer.created_at,
    company: (customer, _args, { loaders }) => (customer.company_id ? loaders.companyById.load(customer.company_id) : null),
    subscription: (customer, _args, { loaders }) => loaders.subscriptionByCustomerId.load(customer.id),
    async invoices(customer, { first, status }, { loaders }) {
      const invoices = await loaders.invoicesByCustomerId.load(customer.id);
      return (status ? invoices.filter((invoice) => invoice.status === status) : invoices).slice(0, pageSize(first, 10));
    },
    usage: (customer, _args, { loaders }) => loaders.usageByCustomerId.load(customer.id),
    async orders(customer, { first }, { loaders }) {
      return (await loaders.ordersByCustomerId.load(customer.id)).slice(0, pageSize(first, 5));
    },
  },

  Company: {
    employeeCount: (company) => company.employee_count,
  },

  Plan: {
    unitPriceCents: (plan) => plan.unit_price_cents,
    interval: (plan) => plan.billing_interval,
  },

  Subscription: {
    plan: (subscription, _args, { loaders }) => planOf(subscription, loaders),
    startedAt: (subscription) => subscription.started_at,
    currentPeriodEnd: (subscription) => subscription.current_period_end,
    cancelAtPeriodEnd: (subscription) => subscription.cancel_at_period_end === 1,
    amountCents: async (subscription, _args, { loaders }) => subscription.seats * (await planOf(subscription, loaders)).unit_price_cents,
  },

  Invoice: {
    totalCents: (invoice) => invoice.total_cents,
    issuedAt: (invoice) => invoice.issued_at,
    dueAt: (invoice) => invoice.due_at,
    paidAt: (invoice) => invoice.paid_at,
    lineItems: (invoice, _args, { loaders }) => loaders.lineItemsByInvoiceId.load(invoice.id),
  },

  InvoiceLineItem: {
    unitAmountCents: (item) => item.unit_amount_cents,
    amountCents: (item) => item.amount_cents,
  },

  UsageMetric: {
    limit: (metric) => metric.usage_limit,
    periodStart: (metric) => metric.period_start,
    periodEnd: (metric) => metric.period_end,
  },

  Order: {
    totalCents: (order) => order.total_cents,
    itemCount: (order) => order.item_count,
    placedAt: (order) => order.placed_at,
    trackingUrl: (order) => order.tracking_url,
  },

  SupportThread: {
    plainThreadId: (thread) => thread.plain_thread_id,
    openedAt: (thread) => thread.opened_at,
    customer: async (thread, _args, { loaders }) => existing(await loaders.customerById.load(thread.customer_id), `Thread ${thread.id}'s customer`),
    order: (thread, _args, { loaders }) => (thread.order_id ? loaders.orderById.load(thread.order_id) : null),
    invoice: (thread, _args, { loaders }) => (thread.invoice_id ? loaders.invoiceById.load(thread.invoice_id) : null),
  },

  Tenant: {
    plainTenantId: (tenant) => tenant.plain_tenant_id,
    company: (tenant, _args, { loaders }) => (tenant.company_id ? loaders.companyById.load(tenant.company_id) : null),
    supportTier: (tenant) => tenant.support_tier,
    accountManager: (tenant) => tenant.account_manager,
    seatsUsed: (tenant) => tenant.seats_used,
    seatLimit: (tenant) => tenant.seat_limit,
    renewsAt: (tenant) => tenant.renews_at,
  },
};

/** `first` clamped to 1..50; an explicit `null` means the default. */
function pageSize(first: number | null | undefined, fallback: number): number {
  return Math.min(MAX_PAGE, Math.max(1, first ?? fallback));
}

async function planOf(subscription: SubscriptionRow, loaders: Context['loaders']): Promise<PlanRow> {
  return existing(await loaders.planById.load(subscription.plan_id), `Subscription ${subscription.id}'s plan ${subscription.plan_id}`);
}

/** A row a foreign key points at: the key makes its absence unreachable; if it happens the data is corrupt, not the request. */
function existing<T>(row: T | null, what: string): T {
  if (row === null) throw new Error(`${what} does not exist`);
  return row;
}
