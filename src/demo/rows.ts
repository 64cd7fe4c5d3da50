// Row types for the demo database: one per table, keys exactly as the columns are named (snake_case).

/** The string unions mirror the GraphQL enums of the same name, so rows flow into resolvers unchanged. */
export type PlanTier = 'FREE' | 'STARTER' | 'GROWTH' | 'ENTERPRISE';
export type BillingInterval = 'MONTH' | 'YEAR';
export type SubscriptionStatus = 'TRIALING' | 'ACTIVE' | 'PAST_DUE' | 'CANCELED';
export type InvoiceStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'PAST_DUE' | 'VOID';
export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELED' | 'RETURNED';
export type SupportTier = 'STANDARD' | 'PRIORITY' | 'DEDICATED';
export type ThreadTopic = 'BILLING' | 'SHIPPING' | 'TECHNICAL' | 'ACCOUNT';
export type ThreadPriority = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';

/** Every date column holds an ISO 8601 UTC string, so text order is time order. */
type IsoDate = string;

export type CompanyRow = {
  id: string;
  name: string;
  domain: string;
  industry: string;
  employee_count: number;
};

export type CustomerRow = {
  id: string;
  external_id: string;
  plain_customer_id: string | null;
  /** Stored lower-case; lookups lower-case their key too. */
  email: string;
  full_name: string;
  company_id: string | null;
  created_at: IsoDate;
};

export type PlanRow = {
  id: string;
  name: string;
  tier: PlanTier;
  unit_price_cents: number;
  currency: string;
  billing_interval: BillingInterval;
};

export type SubscriptionRow = {
  id: string;
  customer_id: string;
  plan_id: string;
  status: SubscriptionStatus;
  seats: number;
  started_at: IsoDate;
  current_period_end: IsoDate;
  /** SQLite has no boolean: 0 or 1. */
  cancel_at_period_end: 0 | 1;
};

export type InvoiceRow = {
  id: string;
  customer_id: string;
  number: string;
  status: InvoiceStatus;
  total_cents: number;
  currency: string;
  issued_at: IsoDate;
  due_at: IsoDate;
  paid_at: IsoDate | null;
  url: string;
};

export type LineItemRow = {
  id: string;
  invoice_id: string;
  description: string;
  quantity: number;
  unit_amount_cents: number;
  amount_cents: number;
};

export type UsageRow = {
  id: string;
  customer_id: string;
  metric: string;
  name: string;
  used: number;
  /** `limit` is an SQL keyword, hence the prefix. Null when the plan has no limit. */
  usage_limit: number | null;
  unit: string;
  period_start: IsoDate;
  period_end: IsoDate;
};

export type OrderRow = {
  id: string;
  customer_id: string;
  number: string;
  status: OrderStatus;
  total_cents: number;
  currency: string;
  item_count: number;
  placed_at: IsoDate;
  carrier: string | null;
  tracking_url: string | null;
};

/** A workspace of the product, shared by a company's people: what Plain calls a tenant. */
export type TenantRow = {
  id: string;
  /** Plain's tenant id: `tenant.id` in Plain's request. */
  plain_tenant_id: string;
  name: string;
  company_id: string | null;
  support_tier: SupportTier;
  account_manager: string | null;
  seats_used: number;
  seat_limit: number;
  renews_at: IsoDate | null;
};

/** A support thread as the backend recorded it (an in-app contact form): what it is about. */
export type ThreadRow = {
  id: string;
  /** Plain's thread id: `thread.id` in Plain's request. */
  plain_thread_id: string;
  customer_id: string;
  tenant_id: string | null;
  subject: string;
  topic: ThreadTopic;
  priority: ThreadPriority;
  opened_at: IsoDate;
  order_id: string | null;
  invoice_id: string | null;
};
