// The demo's in-process data: schema.graphql over the seeded demo database, as one `LocalData` the engine runs.
import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { buildLocalSchema, type LocalData } from '../execution/local.ts';
import type { Context } from './context.ts';
import type { DemoDatabase } from './database.ts';
import { openSqliteDatabase, startOfUtcDay } from './sqlite.ts';
import { createLoaders } from './loaders.ts';
import { findDemoCustomer } from './known-customer.ts';
import { resolvers } from './resolvers.ts';
import { DEMO_CUSTOMERS } from './seed/seed-demo.ts';

const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

/** The demo schema's SDL (schema.graphql at the top of the repo). */
export function readDemoTypeDefs(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}

/** The demo's executable schema, as the engine builds it from `createDemoData` (the demo upstream serves it too). */
export function createDemoSchema(): GraphQLSchema {
  return buildLocalSchema({ typeDefs: readDemoTypeDefs(), resolvers });
}

/** The demo's per-request context factory over `db`: fresh DataLoaders each call. */
export function demoContext(db: DemoDatabase): () => Context {
  return () => ({ loaders: createLoaders(db) });
}

export type DemoDataOptions = {
  /** Close the database with the data (when the demo opened it). Default false: the caller owns it. */
  ownsDatabase?: boolean;
};

/** The demo as `LocalData` over an open database: loaders per request, `SELECT 1` for readiness, the seeded customers for the preview. */
export function createDemoData(db: DemoDatabase, { ownsDatabase = false }: DemoDataOptions = {}): LocalData<Context> {
  return {
    typeDefs: readDemoTypeDefs(),
    resolvers,
    createContext: demoContext(db),
    ready: () => db.ping(),
    findCustomer: (given) => findDemoCustomer(db, given),
    previewEmails: Object.values(DEMO_CUSTOMERS).map((customer) => customer.email),
    ...(ownsDatabase && { close: () => db.close() }),
  };
}

export type DemoDatabaseOptions = {
  /** PostgreSQL (DATABASE_URL) when set; otherwise the embedded SQLite file at `path`. */
  url?: string | undefined;
  /** The SQLite file (CARDQL_DATABASE), or `:memory:`. */
  path: string;
  /** The "now" a new seed's dates are relative to. Default: the UTC start of today. */
  anchor?: Date;
};

/**
 * Opens the demo database on PostgreSQL when `url` is given, else on SQLite at `path`; on first open its
 * tables are created and seeded (10,000 customers). `npm run db:setup` does only this.
 */
export async function openDemoDatabase({ url, path, anchor = startOfUtcDay(new Date()) }: DemoDatabaseOptions): Promise<DemoDatabase> {
  if (!url) return openSqliteDatabase({ path, anchor });
  // pg and kysely's PostgreSQL dialect are loaded only when used: a few MB of heap otherwise.
  const { openPostgresDatabase } = await import('./postgres.ts');
  return openPostgresDatabase({ url, anchor });
}

/** Opens (on first start creates and seeds) the demo database and serves it as `LocalData`. */
export async function openDemoData(options: DemoDatabaseOptions): Promise<LocalData<Context>> {
  return createDemoData(await openDemoDatabase(options), { ownsDatabase: true });
}
