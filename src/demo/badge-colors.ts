// Badge colours for the schema's status enums, so every card paints the same status the same way.
import type { BadgeColor } from '../plain/components.ts';
import type {
  InvoiceStatus,
  OrderStatus,
  PlanTier,
  SubscriptionStatus,
  ThreadPriority,
} from '../generated/graphql.ts';

// `Record` over the generated enum: a new enum value in the schema fails type checking here.
export const subscriptionStatusColor: Record<SubscriptionStatus, BadgeColor> = {
  ACTIVE: 'GREEN',
  TRIALING: 'BLUE',
  PAST_DUE: 'RED',
  CANCELED: 'GREY',
};

export const invoiceStatusColor: Record<InvoiceStatus, BadgeColor> = {
  PAID: 'GREEN',
  OPEN: 'BLUE',
  PAST_DUE: 'RED',
  DRAFT: 'GREY',
  VOID: 'GREY',
};

export const orderStatusColor: Record<OrderStatus, BadgeColor> = {
  DELIVERED: 'GREEN',
  SHIPPED: 'BLUE',
  PENDING: 'YELLOW',
  PAID: 'YELLOW',
  CANCELED: 'GREY',
  RETURNED: 'GREY',
};

export const planTierColor: Record<PlanTier, BadgeColor> = {
  FREE: 'GREY',
  STARTER: 'YELLOW',
  GROWTH: 'BLUE',
  ENTERPRISE: 'GREEN',
};

export const threadPriorityColor: Record<ThreadPriority, BadgeColor> = {
  URGENT: 'RED',
  HIGH: 'YELLOW',
  NORMAL: 'BLUE',
  LOW: 'GREY',
};

/** Share of a limit used: GREEN below 75 %, YELLOW below 90 %, RED from 90 % (over the limit too). */
export function usageColor(percent: number): BadgeColor {
  if (percent < 75) return 'GREEN';
  if (percent < 90) return 'YELLOW';
  return 'RED';
}
