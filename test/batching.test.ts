// DataLoader batching: the cards of one Plain request share one batch per loader, counted in SQL statements.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOADER_COUNT } from '../src/demo/loaders.ts';
import { ALEX, cardsBody, createTestApp, DEMO_KEYS, plainRequest, seededDatabase, type TestApp } from './support/app.ts';

const COPIES = 12;

/** The demo cards, plus COPIES distinct cards that all run the recent-orders query and mapper. */
function cardsWithCopies(): { queriesDir: string; cardsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'cardql-batching-'));
  const queriesDir = join(root, 'queries');
  const cardsDir = join(root, 'cards');
  mkdirSync(queriesDir);
  mkdirSync(cardsDir);
  for (const key of DEMO_KEYS) {
    copyFileSync(`queries/${key}.graphql`, join(queriesDir, `${key}.graphql`));
    writeFileSync(join(cardsDir, `${key}.ts`), `export { default } from '${resolve(`src/cards/${key}.ts`)}';\n`);
  }
  const query = readFileSync('queries/recent-orders.graphql', 'utf8');
  for (let i = 1; i <= COPIES; i++) {
    copyFileSync('queries/recent-orders.graphql', join(queriesDir, `orders-copy-${i}.graphql`));
    writeFileSync(join(queriesDir, `orders-copy-${i}.graphql`), query.replace(/query RecentOrders/, `query RecentOrdersCopy${i}`));
    writeFileSync(join(cardsDir, `orders-copy-${i}.ts`), `export { default } from '${resolve('src/cards/recent-orders.ts')}';\n`);
  }
  return { queriesDir, cardsDir };
}

let app: TestApp;
const db = seededDatabase();
beforeAll(async () => {
  const { queriesDir, cardsDir } = cardsWithCopies();
  app = await createTestApp({ CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir }, { db });
});
afterAll(() => app.close());

async function statementsFor(keys: string[], customer = ALEX): Promise<number> {
  const before = db.statementCount;
  const response = await app.fetch(plainRequest(cardsBody(keys, customer)));
  expect(response.status).toBe(200);
  return db.statementCount - before;
}

const copies = (n: number) => Array.from({ length: n }, (_, i) => `orders-copy-${i + 1}`);

describe('DataLoader batching across the cards of one Plain request', () => {
  it('runs no more SQL statements for all six demo cards than there are loaders', async () => {
    const statements = await statementsFor(DEMO_KEYS);
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(LOADER_COUNT);
  });

  it('runs as many statements for twelve cards reading the same data as for one', async () => {
    const one = await statementsFor(copies(1));
    const twelve = await statementsFor(copies(COPIES));
    expect(one).toBeGreaterThan(0);
    expect(twelve).toBe(one);
  });

  it('runs as many statements for the demo cards plus twelve more as for the demo cards alone', async () => {
    expect(await statementsFor([...DEMO_KEYS, ...copies(COPIES)])).toBe(await statementsFor(DEMO_KEYS));
  });

  it('does not share loaders (or their caches) between requests', async () => {
    const first = await statementsFor(['customer-details']);
    const second = await statementsFor(['customer-details']);
    expect(second).toBe(first);
  });
});
