// Usage card: each metered feature's use this billing period against the plan's limit.
import type { UsageQuery } from '../generated/graphql.ts';
import { usageColor } from '../demo/badge-colors.ts';
import { defineCard } from '../mapping/define-card.ts';
import { formatCount, formatDate, pluralize, presence } from '../mapping/format.ts';
import type { ContainerContent, LeafComponent } from '../plain/components.ts';
import { badge, container, divider, label, plainText, row, spacer, text, truncate } from '../plain/builders.ts';

/** Enough for any plan we sell; more would push the card past Plain's size limit. */
const MAX_METRICS = 6;

type Metric = NonNullable<UsageQuery['customer']>['usage'][number];

export default defineCard<UsageQuery>({
  timeToLiveSeconds: 300,
  map({ customer }) {
    if (!customer) return null;
    const metrics = customer.usage;
    const first = metrics[0];
    if (!first) return [text('No usage recorded this period', { color: 'MUTED' })];

    const shown = metrics.slice(0, MAX_METRICS);
    const hidden = metrics.length - shown.length;
    const rows = shown.flatMap((metric, index): ContainerContent[] =>
      index === 0 ? [metricRow(metric)] : [spacer('M'), metricRow(metric)],
    );
    return [
      container(
        ...rows,
        ...(hidden > 0 ? [spacer('S'), label(`+${pluralize(hidden, 'more metric')}`)] : []),
        divider('M'),
        label(`Billing period ends ${formatDate(first.periodEnd)}`),
      ),
    ];
  },
});

function metricRow(metric: Metric): ContainerContent {
  const unit = presence(metric.unit);
  const amount = metric.limit === null
    ? formatCount(metric.used)
    : `${formatCount(metric.used)} / ${formatCount(metric.limit)}`;
  return row(
    [
      plainText(truncate(presence(metric.name) ?? 'Usage', 60)),
      plainText(unit ? `${amount} ${truncate(unit, 30)}` : amount, { size: 'S', color: 'MUTED' }),
    ],
    metric.limit === null ? badge('Unlimited', 'GREY') : percentBadge(metric.used, metric.limit),
  );
}

function percentBadge(used: number, limit: number): LeafComponent {
  // A zero limit means the feature is not in the plan: any use at all is over it.
  if (limit <= 0) return used > 0 ? badge('Over limit', 'RED') : badge('0%', 'GREEN');
  // Rounded down so the label never reads "90%" on a badge still coloured for "under 90%".
  const percent = Math.floor((used / limit) * 100);
  return badge(`${percent}%`, usageColor(percent));
}
