// The bench's card folder: the 6 demo cards and 19 fixture cards, 25 different stored queries (Plain's
// maximum), so that the 25-card row runs 25 distinct operations rather than the same six again.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The six demo cards, in the order Plain's example workspace lists them. */
export const DEMO_KEYS = ['customer-details', 'plan-details', 'subscription-status', 'usage', 'latest-invoice', 'recent-orders'];

/** The one card of the 1-card rows: it reads three tables (customer, subscription, plan). */
export const SINGLE_KEY = 'plan-details';

/** Plain's maximum: a workspace has at most 25 card configs. */
export const MAX_KEYS = 25;

/** Parts of the demo schema a fixture card may select; each picks its own fields of them (see `fixtureQuery`). */
const SECTIONS: Array<{ fields: string[]; wrap: (fields: string, index: number) => string }> = [
  { fields: ['externalId', 'email', 'fullName', 'createdAt', 'plainCustomerId'], wrap: (fields) => fields },
  { fields: ['name', 'domain', 'industry', 'employeeCount'], wrap: (fields) => `company { ${fields} }` },
  {
    fields: ['status', 'seats', 'startedAt', 'currentPeriodEnd', 'cancelAtPeriodEnd', 'amountCents'],
    wrap: (fields, index) => `subscription { ${fields} plan { name ${index % 2 ? 'tier currency' : 'unitPriceCents interval'} } }`,
  },
  {
    fields: ['number', 'status', 'totalCents', 'currency', 'issuedAt', 'dueAt', 'paidAt', 'url'],
    wrap: (fields, index) => `invoices(first: ${1 + (index % 4)}${index % 3 === 2 ? ', status: PAID' : ''}) { ${fields} }`,
  },
  { fields: ['description', 'quantity', 'unitAmountCents', 'amountCents'], wrap: (fields) => `latest: invoices(first: 1) { number lineItems { ${fields} } }` },
  { fields: ['metric', 'name', 'used', 'limit', 'unit', 'periodStart', 'periodEnd'], wrap: (fields) => `usage { ${fields} }` },
  { fields: ['number', 'status', 'totalCents', 'currency', 'itemCount', 'placedAt', 'carrier', 'trackingUrl'], wrap: (fields, index) => `orders(first: ${1 + (index % 5)}) { ${fields} }` },
];

/**
 * Fixture card `index` (0-based): two or three sections, each without one of its fields (a different
 * one per card), and its own page sizes. Every fixture's selection differs from every other's.
 */
export function fixtureQuery(index: number): { key: string; text: string } {
  const picked = new Set([index % SECTIONS.length, (index + 1 + Math.floor(index / SECTIONS.length)) % SECTIONS.length]);
  if (index % 2 === 1) picked.add((index + 3) % SECTIONS.length);
  const parts = [...picked].sort().map((section) => {
    const { fields, wrap } = SECTIONS[section]!;
    const kept = fields.filter((_, position) => fields.length < 3 || position !== index % fields.length);
    return wrap(kept.join(' '), index);
  });
  const key = `fixture-${String(index + 1).padStart(2, '0')}`;
  const text = `query Fixture${index + 1}($customerId: ID!, $email: String!, $externalId: ID) {\n  customer(externalId: $externalId, email: $email, plainCustomerId: $customerId) {\n    ${parts.join('\n    ')}\n  }\n}\n`;
  return { key, text };
}

/**
 * The fixture cards' one mapper, shared by cardql and the handwritten server (same file): a field per
 * scalar, a row per list item (at most three). Plain JavaScript importing the built builders, so that
 * compiled cardql (no TypeScript outside src/) can load it.
 */
function fixtureMapper(builders: string): string {
  return `import { badge, container, field, plainText, row } from ${JSON.stringify(builders)};
const show = (value) => (value === null || value === undefined || value === '' ? '-' : Array.isArray(value) ? value.length + ' items' : String(value));
export default {
  timeToLiveSeconds: 60,
  map(data) {
    const customer = data?.customer;
    if (!customer) return null;
    const out = [];
    for (const [name, value] of Object.entries(customer)) {
      if (Array.isArray(value)) {
        if (value.length === 0) out.push(field(name, plainText('none')));
        for (const item of value.slice(0, 3)) {
          const values = Object.values(item);
          out.push(row(plainText(show(values[0])), badge(show(values[1]))));
        }
      } else if (value !== null && typeof value === 'object') {
        for (const [inner, scalar] of Object.entries(value)) if (scalar === null || typeof scalar !== 'object') out.push(field(inner, plainText(show(scalar))));
      } else out.push(field(name, plainText(show(value))));
    }
    return [container(...out)];
  },
};
`;
}

export type CardFolder = { queriesDir: string; cardsDir: string; keys: string[]; queries: Map<string, string> };

/**
 * A temporary card folder with the 6 demo cards and `total - 6` fixtures. Mappers are `.mjs`: the demo
 * ones re-export the built mappers in dist/src/cards/ (`npm run build` first), the fixtures are
 * `fixtureMapper`. `source` puts the queries under `queries/<source>/` (remote mode).
 */
export function writeCardFolder(total = MAX_KEYS, { source }: { source?: string } = {}): CardFolder {
  const root = mkdtempSync(join(tmpdir(), 'cardql-bench-'));
  const queriesDir = join(root, 'queries');
  const cardsDir = join(root, 'cards');
  const queryDir = source ? join(queriesDir, source) : queriesDir;
  mkdirSync(queryDir, { recursive: true });
  mkdirSync(cardsDir);
  const queries = new Map<string, string>();
  const seen = new Set<string>();
  for (let index = 0; index < total; index++) {
    let key: string;
    let text: string;
    if (index < DEMO_KEYS.length) {
      key = DEMO_KEYS[index]!;
      text = readFileSync(`queries/${key}.graphql`, 'utf8');
      writeFileSync(join(cardsDir, `${key}.mjs`), `export { default } from ${JSON.stringify(resolve(`dist/src/cards/${key}.js`))};\n`);
    } else {
      ({ key, text } = fixtureQuery(index - DEMO_KEYS.length));
      writeFileSync(join(cardsDir, `${key}.mjs`), fixtureMapper(resolve('dist/src/plain/builders.js')));
    }
    const selection = text.slice(text.indexOf('{'));
    if (seen.has(selection)) throw new Error(`fixture cards: ${key} repeats another card's selection`);
    seen.add(selection);
    writeFileSync(join(queryDir, `${key}.graphql`), text);
    queries.set(key, text);
  }
  return { queriesDir, cardsDir, keys: [...queries.keys()], queries };
}
