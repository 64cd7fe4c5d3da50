// The demo's in-process data: schema.graphql over the seeded demo database, as one `LocalData` the engine runs.
import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { buildLocalSchema, type KnownCustomer, type LocalData } from '../execution/local.ts';
import { loggable } from '../log.ts';
import type { Context } from './context.ts';
import { openDatabase, type Database } from './database.ts';
import { createLoaders } from './loaders.ts';
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
export function demoContext(db: Database): () => Context {
  return () => ({ loaders: createLoaders(db) });
}

export type DemoDataOptions = {
  /** Close the database with the data (when the demo opened it). Default false: the caller owns it. */
  ownsDatabase?: boolean;
};

/** The demo as `LocalData` over an open database: loaders per request, `SELECT 1` for readiness, the seeded customers for the preview. */
export function createDemoData(db: Database, { ownsDatabase = false }: DemoDataOptions = {}): LocalData<Context> {
  return {
    typeDefs: readDemoTypeDefs(),
    resolvers,
    createContext: demoContext(db),
    async ready() {
      if (!db.isOpen()) throw loggable(new Error('the demo database is closed'));
      const rows = db.all<{ ok: number }>('SELECT 1 AS ok');
      if (rows[0]?.ok !== 1) throw new Error(`expected SELECT 1 to return 1, received ${JSON.stringify(rows)}`);
    },
    findCustomer: (given) => findDemoCustomer(db, given),
    previewEmails: Object.values(DEMO_CUSTOMERS).map((customer) => customer.email),
    ...(ownsDatabase && { close: () => db.close() }),
  };
}

/** Opens (on first start creates and seeds) the demo database at `path` and serves it as `LocalData`. */
export function openDemoData({ path }: { path: string }): LocalData<Context> {
  return createDemoData(openDatabase({ path }), { ownsDatabase: true });
}

/** Tried in the order the schema's `customer` field documents: external id, email, Plain's id. */
async function findDemoCustomer(db: Database, given: { id?: string; email?: string; externalId?: string }): Promise<KnownCustomer | null> {
  const loaders = createLoaders(db);
  const lookups = [
    [loaders.customerByExternalId, given.externalId],
    [loaders.customerByEmail, given.email],
    [loaders.customerByPlainId, given.id],
  ] as const;
  for (const [loader, key] of lookups) {
    if (!key) continue;
    const row = await loader.load(key);
    if (row) return { email: row.email, externalId: row.external_id, plainCustomerId: row.plain_customer_id };
  }
  return null;
}
