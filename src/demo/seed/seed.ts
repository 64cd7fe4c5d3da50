// The demo seed: four hand-written customers (with their tenants and threads) plus generated ones up to 10,000, identical for identical anchors.
import { createRandom } from './random.ts';
import { seedAccount } from './seed-accounts.ts';
import { addDays, SeedBuilder, type SeedData } from './seed-builder.ts';
import { seedDemoCustomers } from './seed-demo.ts';
import { seedDemoThreads } from './seed-threads.ts';

export { DEMO_CUSTOMERS } from './seed-demo.ts';
export { DEMO_TENANTS, DEMO_THREADS } from './seed-threads.ts';
export type { SeedData } from './seed-builder.ts';

/** Customers in a fresh database, the hand-written ones included. */
export const CUSTOMER_COUNT = 10_000;
/** Changing it changes every generated row; the hand-written customers stay as they are. */
const SEED = 0x0c4_2d01;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FIRST_NAMES = [
  'Ada', 'Ben', 'Chloe', 'Diego', 'Emma', 'Felix', 'Grace', 'Hugo', 'Isla', 'Jonas', 'Kai', 'Lena', 'Mateo', 'Nina', 'Omar',
  'Priya', 'Quinn', 'Rosa', 'Sofia', 'Theo', 'Uma', 'Victor', 'Wen', 'Yara', 'Zoe', 'Noah', 'Mia', 'Liam', 'Aiko', 'Ravi',
];
const LAST_NAMES = [
  'Smith', 'Garcia', 'Chen', 'Müller', 'Okafor', 'Rossi', 'Kim', 'Novak', 'Silva', 'Haddad',
  'Larsen', 'Dubois', 'Tanaka', 'Kowalski', 'Nguyen', 'Ahmed', "O'Brien", 'Jensen', 'Costa', 'Ivanova',
];
const COMPANY_WORDS = [
  'North', 'Blue', 'Cedar', 'Harbor', 'Lumen', 'Atlas', 'Pine', 'Copper', 'Nimbus', 'Orchid',
  'Vertex', 'Willow', 'Summit', 'Ember', 'Quartz', 'Delta', 'Maple', 'Signal', 'Beacon', 'Falcon',
];
const COMPANY_SUFFIXES = ['Labs', 'Foods', 'Logistics', 'Health', 'Studio', 'Systems', 'Goods', 'Works', 'Partners', 'Supply'];
const INDUSTRIES = ['Retail', 'Logistics', 'Fintech', 'Healthcare', 'Education', 'Media', 'Manufacturing', 'Hospitality', 'Software', 'Real estate'];
const TLDS = ['com', 'io', 'dev', 'app']; // never `.co`, so no generated domain collides with grocery.co

/**
 * Generates every seed row. Pure: all randomness comes from a fixed-seed PRNG and every date is
 * derived from `anchor`, so the same anchor always yields the same rows.
 */
export function generateSeed(anchor: Date): SeedData {
  const random = createRandom(SEED);
  const seed = new SeedBuilder();
  seedDemoCustomers(seed, anchor);
  seedDemoThreads(seed, anchor);
  const emails = new Set(seed.data.customers.map((customer) => customer.email));
  const domains = new Set(seed.data.companies.map((company) => company.domain));
  while (seed.data.customers.length < CUSTOMER_COUNT) {
    const name = `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_SUFFIXES)}`;
    const domain = unique(domains, name.toLowerCase().replace(/ /g, ''), `.${random.pick(TLDS)}`);
    const employees = random.weighted([[random.int(2, 50), 5], [random.int(51, 500), 3], [random.int(501, 20_000), 1]]);
    const company = seed.company({ name, domain, industry: random.pick(INDUSTRIES), employee_count: employees });
    // Several people per company, as in a B2B product; the last company takes whatever is left.
    const people = Math.min(random.int(1, 7), CUSTOMER_COUNT - seed.data.customers.length);
    for (let i = 0; i < people; i += 1) {
      const [first, last] = [random.pick(FIRST_NAMES), random.pick(LAST_NAMES)];
      const customer = seed.customer({
        external_id: `user-${String(seed.data.customers.length + 1).padStart(6, '0')}`,
        plain_customer_id: random.chance(0.85) ? `c_01${random.string(CROCKFORD, 24)}` : null,
        email: unique(emails, ascii(`${first}.${last}`), `@${domain}`),
        full_name: `${first} ${last}`,
        company_id: company.id,
        created_at: addDays(anchor, -random.int(60, 1_400) - random.next()).toISOString(),
      });
      seedAccount(seed, random, anchor, customer);
    }
  }
  return seed.data;
}

/** `base + tail`, or `base<n> + tail` with the smallest n that is not yet taken. */
function unique(taken: Set<string>, base: string, tail: string): string {
  let candidate = base + tail;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${base}${n}${tail}`;
  taken.add(candidate);
  return candidate;
}

/** `Müller` → `muller`: emails stay plain ASCII. */
function ascii(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(/[^a-z.]/g, '');
}
