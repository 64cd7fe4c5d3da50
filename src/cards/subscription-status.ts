// Subscription status card: is the subscription in good standing, and when does its period end.
import type { SubscriptionStatusQuery } from '../generated/graphql.ts';
import { subscriptionStatusColor } from '../demo/badge-colors.ts';
import { defineCard } from '../mapping/define-card.ts';
import { formatDate, humanizeEnum } from '../mapping/format.ts';
import { badge, compact, field, spacer, text } from '../plain/builders.ts';

export default defineCard<SubscriptionStatusQuery>({
  timeToLiveSeconds: 300,
  map({ customer }) {
    if (!customer) return null;
    const subscription = customer.subscription;
    if (!subscription) return [text('No active subscription', { color: 'MUTED' })];

    const { status, cancelAtPeriodEnd } = subscription;
    const periodEnd = formatDate(subscription.currentPeriodEnd);
    const periodEndCaption =
      status === 'CANCELED' ? 'Ended'
      : cancelAtPeriodEnd ? 'Ends'
      : status === 'TRIALING' ? 'Trial ends'
      : 'Renews';
    // A cancelled subscription has already ended: the warning is only news while it still runs.
    const cancelling = cancelAtPeriodEnd && status !== 'CANCELED';

    return compact([
      field('Status', badge(humanizeEnum(status), subscriptionStatusColor[status])),
      spacer('M'),
      field(periodEndCaption, periodEnd),
      spacer('M'),
      field('Subscribed since', formatDate(subscription.startedAt)),
      cancelling && spacer('M'),
      cancelling && text(`Set to cancel on ${periodEnd}: the customer will lose access then.`, { size: 'S', color: 'WARNING' }),
    ]);
  },
});
