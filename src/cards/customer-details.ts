// Customer details card: who the customer is in our backend, with the ids an agent needs to copy.
import type { CustomerDetailsQuery } from '../generated/graphql.ts';
import { defineMapper } from '../mapping/mapper.ts';
import { formatDate, presence } from '../mapping/format.ts';
import type { ContainerContent } from '../plain/components.ts';
import {
  compact,
  container,
  copyButton,
  divider,
  field,
  label,
  plainText,
  row,
  spacer,
  truncate,
} from '../plain/builders.ts';

export default defineMapper<CustomerDetailsQuery>({
  timeToLiveSeconds: 3600,
  map({ customer }) {
    if (!customer) return null;
    const name = presence(customer.fullName);
    const email = presence(customer.email);
    const externalId = presence(customer.externalId);
    const companyName = presence(customer.company?.name);
    const domain = presence(customer.company?.domain);

    // Names, emails and company names are typed by people: plainText, so `*` or `_` never turn into markdown.
    const identity = compact<ContainerContent>([
      name ? plainText(truncate(name, 80)) : null,
      email
        ? row(plainText(truncate(email, 120), { size: 'S', color: 'MUTED' }), copyButton(email, 'Copy email'))
        : null,
    ]);
    const facts = compact<ContainerContent>([
      ...(companyName
        ? [
            row(label('Company'), compact([
              plainText(truncate(companyName, 80)),
              domain ? plainText(truncate(domain, 80), { size: 'S', color: 'MUTED' }) : null,
            ])),
            spacer('S'),
          ]
        : []),
      field('Customer since', formatDate(customer.createdAt)),
    ]);
    const ids = compact<ContainerContent>([
      ...(externalId
        ? [
            label('External ID'),
            row(plainText(truncate(externalId, 120), { size: 'S' }), copyButton(externalId, 'Copy external ID')),
          ]
        : []),
    ]);

    // Dividers only between sections that exist, so a sparse customer never starts or ends on a line.
    const sections = [identity, facts, ids].filter((section) => section.length > 0);
    const content = sections.flatMap((section, index) => (index === 0 ? section : [divider('M'), ...section]));
    return [container(...content)];
  },
});
