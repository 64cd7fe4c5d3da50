// docs/your-own-data.md stays true: its SQL, its LocalData module and its query, run as written on a throwaway PostgreSQL.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createApp, type App } from '../src/app.ts';
import { createLogger } from '../src/log.ts';
import { plainRequest } from './support/app.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './support/postgres.ts';

const GUIDE = readFileSync('docs/your-own-data.md', 'utf8');

/** The one fenced block of `language` in the guide that contains `marker`. */
function block(language: string, marker: string): string {
  const blocks = [...GUIDE.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!).filter((text) => text.includes(marker));
  if (blocks.length !== 1) throw new Error(`expected one ${language} block with ${marker} in docs/your-own-data.md, found ${blocks.length}`);
  return blocks[0]!;
}

/** The text of a shell heredoc `<<'TAG'` … `TAG` in the guide. */
function heredoc(tag: string): string {
  const match = new RegExp(`<<'${tag}'\\n([\\s\\S]*?)\\n${tag}\\n`).exec(GUIDE);
  if (!match) throw new Error(`expected a <<'${tag}' heredoc in docs/your-own-data.md`);
  return match[1]!;
}

let database: ThrowawayDatabase;
let app: App;
// Inside the repo, so that the module's bare imports (kysely, pg, dataloader) resolve as in a real checkout.
const root = mkdtempSync(resolve('.test-your-own-data-'));

beforeAll(async () => {
  database = await createThrowawayDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(heredoc('SQL'));
  await client.end();
  mkdirSync(join(root, 'src/my-data'), { recursive: true });
  // The module imports `../local-data.ts` for its type only: point it at the real one from here.
  writeFileSync(join(root, 'src/my-data/index.ts'), block('ts', 'const createLocalData').replace("'../local-data.ts'", `'${resolve('src/local-data.ts')}'`));
  mkdirSync(join(root, 'my-cards/queries'), { recursive: true });
  writeFileSync(join(root, 'my-cards/queries/account.graphql'), heredoc('GRAPHQL'));
  const { config } = loadConfig({
    NODE_ENV: 'test',
    CARDQL_LOCAL_SOURCE: join(root, 'src/my-data/index.ts'),
    DATABASE_URL: database.url,
    CARDQL_QUERIES_DIR: join(root, 'my-cards/queries'),
    CARDQL_CARDS_DIR: join(root, 'my-cards/cards'),
  });
  app = await createApp(config, { logger: createLogger('silent') });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('docs/your-own-data.md, run as written', () => {
  it('serves the account card from your table, laid out automatically', async () => {
    const response = await app.fetch(plainRequest({ cardKeys: ['account'], customer: { id: 'c_1', email: 'alex@grocery.co', externalId: null } }));
    expect(response.status).toBe(200);
    const text = JSON.stringify(await response.json());
    for (const shown of ['Grocery Co', 'Growth', 'MRR', '588.00', '14 Dec 2026']) expect(text).toContain(shown);
  });

  it('is ready, and lets the preview find a customer by email in any case', async () => {
    expect((await app.fetch(new Request('http://cardql.test/readyz'))).status).toBe(200);
    const response = await app.fetch(
      new Request('http://cardql.test/preview/api/cards', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardKeys: ['account'], customer: { email: 'KIM@example.com' } }) }),
    );
    expect(await response.json()).toMatchObject({ customerFound: true, cards: [{ key: 'account', outcome: 'ok' }] });
  });

  it('answers a customer your table does not know with no card', async () => {
    const response = await app.fetch(plainRequest({ cardKeys: ['account'], customer: { id: 'c_2', email: 'nobody@example.com', externalId: null } }));
    expect(await response.json()).toEqual({ cards: [{ key: 'account', timeToLiveSeconds: 300, components: null }] });
  });
});
