// Latest invoice card: the newest invoice's status, total, due date and first line items.
import type { LatestInvoiceQuery } from '../generated/graphql.ts';
import { invoiceStatusColor } from '../demo/badge-colors.ts';
import { defineCard } from '../mapping/define-card.ts';
import { formatCount, formatDate, formatMoney, httpUrl, humanizeEnum, pluralize, presence } from '../mapping/format.ts';
import type { ContainerContent } from '../plain/components.ts';
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

/** Line items shown before "+N more": the hosted invoice has the rest. */
const MAX_LINE_ITEMS = 3;

/** A past-due invoice is what agents are asked about while the customer is paying it: refresh sooner. */
const PAST_DUE_TTL_SECONDS = 60;

type LineItem = NonNullable<LatestInvoiceQuery['customer']>['invoices'][number]['lineItems'][number];

export default defineCard<LatestInvoiceQuery>({
  timeToLiveSeconds: 300,
  map({ customer }) {
    if (!customer) return null;
    const invoice = customer.invoices[0];
    if (!invoice) return [text('No invoices yet', { color: 'MUTED' })];

    const { status, currency, lineItems } = invoice;
    const number = presence(invoice.number);
    const url = httpUrl(invoice.url);
    const hiddenItems = lineItems.length - MAX_LINE_ITEMS;
    const components = [
      container(
        ...compact<ContainerContent>([
          row(
            [
              plainText(number ? `Invoice ${truncate(number, 60)}` : 'Invoice'),
              label(`Issued ${formatDate(invoice.issuedAt)}`),
            ],
            badge(humanizeEnum(status), invoiceStatusColor[status]),
          ),
          divider('M'),
          field('Total', formatMoney(invoice.totalCents, currency)),
          spacer('S'),
          invoice.paidAt
            ? field('Paid', formatDate(invoice.paidAt))
            : field('Due', text(formatDate(invoice.dueAt), status === 'PAST_DUE' ? { color: 'ERROR' } : {})),
          lineItems.length > 0 && divider('M'),
          ...lineItems.slice(0, MAX_LINE_ITEMS).flatMap((item, index) =>
            index === 0 ? [lineItemRow(item, currency)] : [spacer('XS'), lineItemRow(item, currency)],
          ),
          ...(hiddenItems > 0 ? [spacer('XS'), label(`+${pluralize(hiddenItems, 'more item')}`)] : []),
          ...(url ? [divider('M'), linkButton('View invoice', url)] : []),
        ]),
      ),
    ];
    return status === 'PAST_DUE' ? { components, timeToLiveSeconds: PAST_DUE_TTL_SECONDS } : components;
  },
});

function lineItemRow(item: LineItem, currency: string): ContainerContent {
  return row(
    [
      plainText(truncate(presence(item.description) ?? 'Line item', 80), { size: 'S' }),
      label(`${formatCount(item.quantity)} × ${formatMoney(item.unitAmountCents, currency)}`),
    ],
    text(formatMoney(item.amountCents, currency), { size: 'S' }),
  );
}
