// Thread context card: what the open thread is about (topic, priority, the order or invoice), from $threadId.
import type { ThreadContextQuery } from '../generated/graphql.ts';
import { invoiceStatusColor, orderStatusColor, threadPriorityColor } from '../demo/badge-colors.ts';
import { defineMapper } from '../mapping/mapper.ts';
import { formatDate, formatMoney, httpUrl, humanizeEnum, presence } from '../mapping/format.ts';
import type { ContainerContent } from '../plain/components.ts';
import { badge, compact, container, divider, field, label, linkButton, plainText, row, text, truncate } from '../plain/builders.ts';

/**
 * Outside a thread the card says where it shows something, for Plain's shortest time: how Plain keys
 * its cache is not published, and this card must not stay in place of a thread's for long.
 */
const OUTSIDE_A_THREAD_TTL_SECONDS = 15;

type Thread = NonNullable<ThreadContextQuery['thread']>;

export default defineMapper<ThreadContextQuery>({
  timeToLiveSeconds: 60,
  map({ thread }, context) {
    if (!context.thread) {
      return { components: [text('Open a thread to see what it is about: its topic, priority and the order or invoice the customer wrote about.', { color: 'MUTED' })], timeToLiveSeconds: OUTSIDE_A_THREAD_TTL_SECONDS };
    }
    // A thread the backend has no record of: nothing to show, like a customer it does not know.
    if (!thread) return null;
    return [
      container(
        ...compact<ContainerContent>([
          row([plainText(truncate(presence(thread.subject) ?? 'Thread', 120)), label(`Opened ${formatDate(thread.openedAt)}`)], [
            badge(humanizeEnum(thread.topic), 'GREY'),
            badge(humanizeEnum(thread.priority), threadPriorityColor[thread.priority]),
          ]),
          ...orderLines(thread.order),
          ...invoiceLines(thread.invoice),
        ]),
      ),
    ];
  },
});

function orderLines(order: Thread['order']): ContainerContent[] {
  if (!order) return [];
  const tracking = httpUrl(order.trackingUrl);
  const carrier = presence(order.carrier);
  return [
    divider('M'),
    row([plainText(`Order ${order.number.startsWith('#') ? '' : '#'}${truncate(order.number, 60)}`), label(`Placed ${formatDate(order.placedAt)}`)], badge(humanizeEnum(order.status), orderStatusColor[order.status])),
    field('Total', formatMoney(order.totalCents, order.currency)),
    ...(carrier ? [field('Carrier', plainText(truncate(carrier, 60)))] : []),
    ...(tracking ? [linkButton('Track shipment', tracking)] : []),
  ];
}

function invoiceLines(invoice: Thread['invoice']): ContainerContent[] {
  if (!invoice) return [];
  const url = httpUrl(invoice.url);
  return [
    divider('M'),
    row(plainText(`Invoice ${truncate(invoice.number, 60)}`), badge(humanizeEnum(invoice.status), invoiceStatusColor[invoice.status])),
    field('Total', formatMoney(invoice.totalCents, invoice.currency)),
    invoice.paidAt ? field('Paid', formatDate(invoice.paidAt)) : field('Due', text(formatDate(invoice.dueAt), invoice.status === 'PAST_DUE' ? { color: 'ERROR' } : {})),
    ...(url ? [linkButton('View invoice', url)] : []),
  ];
}
