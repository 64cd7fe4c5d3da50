// Plan details card: the plan the customer pays for, its price per seat, seats and next renewal.
import type { BillingInterval, PlanDetailsQuery } from '../generated/graphql.ts';
import { planTierColor } from '../demo/badge-colors.ts';
import { defineCard } from '../mapping/define-card.ts';
import { formatCount, formatDate, formatMoney, humanizeEnum, presence } from '../mapping/format.ts';
import { badge, container, divider, field, label, plainText, row, spacer, text, truncate } from '../plain/builders.ts';

const intervalNoun: Record<BillingInterval, string> = { MONTH: 'month', YEAR: 'year' };
const billedEvery: Record<BillingInterval, string> = { MONTH: 'Billed monthly', YEAR: 'Billed yearly' };

export default defineCard<PlanDetailsQuery>({
  timeToLiveSeconds: 900,
  map({ customer }) {
    if (!customer) return null;
    const subscription = customer.subscription;
    if (!subscription) return [text('No active subscription', { color: 'MUTED' })];

    const { plan, status, cancelAtPeriodEnd } = subscription;
    const tier = humanizeEnum(plan.tier);
    const endDate = formatDate(subscription.currentPeriodEnd);
    // The same date means different things: agents ask "when do they pay next?" or "when do they lose access?".
    const end =
      status === 'CANCELED' ? field('Ended', endDate)
      : cancelAtPeriodEnd ? field('Ends', text(endDate, { color: 'WARNING' }))
      : status === 'TRIALING' ? field('Trial ends', endDate)
      : field('Renews', endDate);

    return [
      container(
        row(
          [plainText(truncate(presence(plan.name) ?? `${tier} plan`, 80)), label(billedEvery[plan.interval])],
          badge(tier, planTierColor[plan.tier]),
        ),
        divider('M'),
        row(label('Price'), [
          // amountCents, not seats × unit price: the subscription is the source of truth for what is billed.
          text(`${formatMoney(subscription.amountCents, plan.currency)} / ${intervalNoun[plan.interval]}`),
          label(`${formatMoney(plan.unitPriceCents, plan.currency)} per seat`),
        ]),
        spacer('S'),
        field('Seats', formatCount(subscription.seats)),
        spacer('S'),
        end,
      ),
    ];
  },
});
