// SQL statements per Plain request, counted in-process: the same pipeline as the server (app.fetch on a
// real signed request over the same database file), read from `db.statementCount`. No endpoint needed.
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { createDemoData } from '../src/demo/index.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import type { Prepared } from './fixtures.ts';

export type StatementCounts = { min: number; mean: number; max: number };

/**
 * Counts the statements of each request in `batches` (one list per row, e.g. 1, 6 and 25 cards),
 * sequentially so that no two requests share a count. Every response must be a valid 200.
 */
export async function countStatements(env: Record<string, string>, batches: Prepared[][]): Promise<StatementCounts[]> {
  const { config } = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const db = openSqliteDatabase({ path: config.databasePath });
  const app = await createApp(config, { local: createDemoData(db) });
  try {
    const counts: StatementCounts[] = [];
    for (const requests of batches) {
      const perRequest: number[] = [];
      for (const { body, headers } of requests) {
        const before = db.statementCount;
        const response = await app.fetch(new Request('http://cardql.bench/cards', { method: 'POST', headers, body }));
        const text = await response.text();
        if (response.status !== 200 || !CardsResponse.safeParse(JSON.parse(text)).success) {
          throw new Error(`expected a valid 200 while counting statements, received ${response.status}: ${text.slice(0, 300)}`);
        }
        perRequest.push(db.statementCount - before);
      }
      counts.push({ min: Math.min(...perRequest), mean: perRequest.reduce((a, b) => a + b, 0) / perRequest.length, max: Math.max(...perRequest) });
    }
    return counts;
  } finally {
    await app.close();
    db.close();
  }
}
