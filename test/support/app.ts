// Builds apps for tests: the real pipeline on a real in-memory SQLite database, logs captured as JSON.
import { createApp, type App, type AppOverrides } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/demo/sqlite.ts';
import { createDemoData } from '../../src/demo/index.ts';
import { sign } from '../../src/http/verify.ts';
import { createLogger } from '../../src/log.ts';

/** The seed's reference day in tests, so that dates in snapshots never move. */
export const ANCHOR = new Date('2026-11-01T00:00:00Z');

/** The customer from Plain's docs, present in the demo data. */
export const ALEX = { id: 'c_01GW2NTPQNPWTRKAC0G8Z518W2', email: 'alex@grocery.co', externalId: 'customer-id-in-your-backend' };

export const DEMO_KEYS = ['plan-details', 'subscription-status', 'customer-details', 'usage', 'latest-invoice', 'recent-orders'];

export function seededDatabase(): SqliteDatabase {
  return openSqliteDatabase({ path: ':memory:', anchor: ANCHOR });
}

export type TestApp = App & { logs: () => Array<Record<string, unknown>>; rawLogs: () => string };

/** `AppOverrides`, plus `db`: the demo on that database (default: a fresh seeded one in memory). */
export type TestAppOverrides = AppOverrides & { db?: SqliteDatabase };

/** An app on test defaults; `env` is read exactly as the process environment would be. */
export async function createTestApp(env: Record<string, string> = {}, { db, ...overrides }: TestAppOverrides = {}): Promise<TestApp> {
  const { config } = loadConfig({ NODE_ENV: 'test', ...env });
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  const app = await createApp(config, { local: createDemoData(db ?? seededDatabase()), logger, ...overrides });
  return Object.assign(app, {
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs: () => lines.join(''),
  });
}

export type CardsBody = { cardKeys: string[]; customer: { id: string; email: string; externalId: string | null }; [field: string]: unknown };

export function cardsBody(cardKeys: string[], customer: CardsBody['customer'] = ALEX): CardsBody {
  return { cardKeys, customer };
}

/** A request as Plain sends it: JSON body, Plain's headers, signed when a secret is given. */
export function plainRequest(body: unknown, { secret, headers = {}, raw }: { secret?: string; headers?: Record<string, string>; raw?: string } = {}): Request {
  const text = raw ?? JSON.stringify(body);
  return new Request('http://cardql.test/cards', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'plain-workspace-id': 'w_01TEST',
      'user-agent': 'Plain/1.0 (plain.com; help@plain.com)',
      ...(secret && { 'plain-request-signature': sign(text, secret) }),
      ...headers,
    },
    body: text,
  });
}
