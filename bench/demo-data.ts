// The one file of bench/ that imports the project's demo data layer (database, schema, loaders), so
// that when the data layer moves, only this file follows it.
import type { GraphQLSchema } from 'graphql';
import { openSqliteDatabase as openDatabase } from '../src/demo/sqlite.ts';
import { createDemoSchema, demoContext } from '../src/demo/index.ts';

/** Opens (seeding it on first use) the demo database at `path`, runs `read` on it, closes it. */
export function withDemoDatabase<T>(path: string, read: (all: <R>(sql: string) => R[]) => T): T {
  const db = openDatabase({ path });
  try {
    return read((sql) => db.all(sql));
  } finally {
    db.close();
  }
}

/** The demo schema and a per-request context (fresh DataLoaders) over `path`: what the peer row serves. */
export async function peerDataLayer(path: string): Promise<{ schema: GraphQLSchema; createContext: () => Record<string, unknown> }> {
  const db = openDatabase({ path });
  return { schema: createDemoSchema(), createContext: demoContext(db) };
}
