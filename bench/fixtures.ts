// What the benchmark sends: signed Plain requests for many seeded customers, the same data as GraphQL
// requests for the naive alternative, and a card folder with 25 distinct keys for the scaling rows.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { sign } from '../src/http/verify.ts';
import { CardsRequest } from '../src/plain/cards-request.ts';
import { bindVariables } from '../src/registry/variables.ts';

/** The six demo cards, in the order Plain's example workspace lists them. */
export const DEMO_KEYS = ['customer-details', 'plan-details', 'subscription-status', 'usage', 'latest-invoice', 'recent-orders'];

/** The one card of the 1-card rows: it reads three tables (customer, subscription, plan). */
export const SINGLE_KEY = 'plan-details';

/** Plain's maximum: a workspace has at most 25 card configs. */
export const MAX_KEYS = 25;

export const WORKSPACE_ID = 'w_01BENCH';

/** One request ready to send: the exact body bytes and their signature. */
export type Prepared = { body: string; headers: Record<string, string> };

type CustomerRow = { id: string; external_id: string; plain_customer_id: string | null; email: string };

/**
 * `count` customers spread evenly over the seeded database (the hand-written ones included), as
 * Plain would describe them. Every fourth one comes without an external id, so the email lookup
 * path is exercised too; customers Plain has no id for get a synthetic one, as Plain always sends one.
 * Opening the database seeds it when it does not exist yet.
 */
export function pickCustomers(databasePath: string, count: number): Array<CardsRequest['customer']> {
  const db = openSqliteDatabase({ path: databasePath });
  try {
    const rows = db.all<CustomerRow>('SELECT id, external_id, plain_customer_id, email FROM customers ORDER BY id');
    if (rows.length === 0) throw new Error(`expected seeded customers in ${databasePath}, received none`);
    const step = Math.max(1, Math.floor(rows.length / count));
    const picked = rows.filter((_, index) => index < 4 || index % step === 0).slice(0, count);
    return picked.map((row, index) => ({
      id: row.plain_customer_id ?? `c_BENCH${row.id.replace(/\W/g, '').toUpperCase()}`,
      email: row.email,
      externalId: index % 4 === 3 ? null : row.external_id,
    }));
  } finally {
    db.close();
  }
}

/** Plain's headers for one body: JSON, workspace, user agent, and the HMAC of the exact bytes. */
export function plainHeaders(body: string, secret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    'plain-workspace-id': WORKSPACE_ID,
    'user-agent': 'Plain/1.0 (plain.com; help@plain.com)',
    'plain-request-signature': sign(body, secret),
  };
}

/** One signed `POST /cards` per customer, asking for `cardKeys`. */
export function cardRequests(customers: Array<CardsRequest['customer']>, cardKeys: string[], secret: string): Prepared[] {
  return customers.map((customer) => {
    const body = JSON.stringify({ cardKeys, customer });
    return { body, headers: plainHeaders(body, secret) };
  });
}

type StoredQuery = { key: string; text: string; operationName: string; variableNames: string[] };

/** The stored queries of `keys` as the registry sees them: text, operation name, declared variables. */
export function readQueries(queriesDir: string, keys: string[]): StoredQuery[] {
  return keys.map((key) => {
    const text = readFileSync(join(queriesDir, `${key}.graphql`), 'utf8');
    const operation = parse(text).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation?.name) throw new Error(`expected a named query in ${key}.graphql, received none`);
    return { key, text, operationName: operation.name.value, variableNames: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value) };
  });
}

/**
 * The naive alternative's requests: per customer, one `POST /graphql` body per stored query, with
 * the variables cardql itself would bind from the same Plain request.
 */
export function graphqlGroups(customers: Array<CardsRequest['customer']>, queries: StoredQuery[]): string[][] {
  return customers.map((customer) => {
    const request = CardsRequest.parse({ cardKeys: queries.map((q) => q.key), customer });
    return queries.map((query) =>
      JSON.stringify({ query: query.text, operationName: query.operationName, variables: bindVariables({ names: query.variableNames, withDefault: new Set() }, request, WORKSPACE_ID) }),
    );
  });
}

/**
 * A temporary card folder with `total` distinct keys: the six demo cards, then copies of them in
 * turn (`<key>-copy-<n>`, operation renamed) that re-export the demo mappers. The copies read the
 * same data, as 25 cards of one workspace over one backend would. For a compiled server (`compiled`,
 * as `npm start` runs it), which imports no TypeScript outside src/, the copies are `.mjs` files
 * re-exporting the built mappers in dist/src/cards/ (`npm run build` first).
 */
export function cardsWithCopies(total = MAX_KEYS, { compiled = false } = {}): { queriesDir: string; cardsDir: string; keys: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'cardql-bench-'));
  const queriesDir = join(root, 'queries');
  const cardsDir = join(root, 'cards');
  mkdirSync(queriesDir);
  mkdirSync(cardsDir);
  const keys: string[] = [];
  for (let index = 0; index < total; index++) {
    const source = DEMO_KEYS[index % DEMO_KEYS.length]!;
    const copy = Math.floor(index / DEMO_KEYS.length);
    const key = copy === 0 ? source : `${source}-copy-${copy}`;
    const text = readFileSync(`queries/${source}.graphql`, 'utf8');
    writeFileSync(join(queriesDir, `${key}.graphql`), copy === 0 ? text : text.replace(/query (\w+)/, `query $1Copy${copy}`));
    const [file, mapper] = compiled ? [`${key}.mjs`, `dist/src/cards/${source}.js`] : [`${key}.ts`, `src/cards/${source}.ts`];
    writeFileSync(join(cardsDir, file), `export { default } from ${JSON.stringify(resolve(mapper))};\n`);
    keys.push(key);
  }
  return { queriesDir, cardsDir, keys };
}
