// Recent orders card: the customer's newest orders, their status, value and shipment tracking.
import type { RecentOrdersQuery } from '../generated/graphql.ts';
import { orderStatusColor } from '../demo/badge-colors.ts';
import { defineCard } from '../mapping/define-card.ts';
import { formatDate, formatMoney, httpUrl, humanizeEnum, pluralize, presence } from '../mapping/format.ts';
import type { Component, ContainerContent } from '../plain/components.ts';
import {
  badge,
  compact,
  container,
  divider,
  field,
  label,
  linkButton,
  plainText,
  row,
  spacer,
  text,
  truncate,
} from '../plain/builders.ts';

/** The query asks for 3; the cap also holds if someone raises `first` there. */
const MAX_ORDERS = 3;

type Order = NonNullable<RecentOrdersQuery['customer']>['orders'][number];

export default defineCard<RecentOrdersQuery>({
  timeToLiveSeconds: 120,
  map({ customer }) {
    if (!customer) return null;
    const orders = customer.orders.slice(0, MAX_ORDERS);
    if (orders.length === 0) return [text('No orders yet', { color: 'MUTED' })];
    // Plain stacks top-level components with no gap: a small spacer keeps the boxes apart.
    return orders.flatMap((order, index): Component[] =>
      index === 0 ? [orderContainer(order)] : [spacer('S'), orderContainer(order)],
    );
  },
});

function orderContainer(order: Order): Component {
  const number = presence(order.number);
  const carrier = presence(order.carrier);
  const trackingUrl = httpUrl(order.trackingUrl);
  // Shops write "#1042" or "1042": show "Order #1042" for both, like Plain's own order card.
  const title = number ? `Order ${number.startsWith('#') ? '' : '#'}${truncate(number, 60)}` : 'Order';
  return container(
    ...compact<ContainerContent>([
      row(
        [plainText(title), label(formatDate(order.placedAt))],
        badge(humanizeEnum(order.status), orderStatusColor[order.status]),
      ),
      divider('M'),
      row(label('Total'), [
        text(formatMoney(order.totalCents, order.currency)),
        label(pluralize(order.itemCount, 'item')),
      ]),
      ...(carrier ? [spacer('S'), field('Carrier', plainText(truncate(carrier, 60)))] : []),
      ...(trackingUrl ? [divider('M'), linkButton('Track shipment', trackingUrl)] : []),
    ]),
  );
}
