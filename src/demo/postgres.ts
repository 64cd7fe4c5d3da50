// The demo database on PostgreSQL (DATABASE_URL): shared by every replica, created and seeded by the first to start.
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { loggable } from '../log.ts';
import { seedInserts, type DemoDatabase, type Statement } from './database.ts';
import { generateSeed } from './seed/seed.ts';
import { LATER_TABLES, schemaStatements, type DemoTables } from './tables.ts';

/** Any constant: the lock two replicas starting at once take so that only one of them seeds. */
const SEED_LOCK = 0x0ca2d01;

/** Connections per process: a Plain request's statements go out together, one per loader at most (LOADER_COUNT); a few wait. */
const POOL_SIZE = 10;

export type PostgresOptions = {
  /** `postgres://user:password@host:port/database`, as validated by `loadConfig` (DATABASE_URL). */
  url: string;
  /** The "now" the seed's dates are relative to; used only when the database is seeded. */
  anchor: Date;
};

/** The demo database over a `pg` pool; every statement runs through kysely's PostgresDialect. */
export class PostgresDatabase implements DemoDatabase {
  readonly dialect = 'postgres';
  readonly kysely: Kysely<DemoTables>;
  statementCount = 0;
  #closed: Promise<void> | undefined;

  constructor(pool: pg.Pool) {
    this.kysely = new Kysely<DemoTables>({ dialect: new PostgresDialect({ pool }) });
  }

  async rows<T>({ sql: text, parameters }: Statement): Promise<T[]> {
    this.statementCount += 1;
    return (await this.kysely.executeQuery<T>(CompiledQuery.raw(text, [...parameters]))).rows;
  }

  async ping(): Promise<void> {
    if (this.#closed) throw loggable(new Error('the demo database is closed'));
    const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(this.kysely);
    if (rows[0]?.ok !== 1) throw new Error(`expected SELECT 1 to return 1, received ${JSON.stringify(rows)}`);
  }

  isOpen(): boolean {
    return this.#closed === undefined;
  }

  /** Ends the pool (kysely's destroy); safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= this.kysely.destroy();
    return this.#closed;
  }
}

/**
 * Connects, creates the tables when missing and, when the customers table is empty, seeds it in one
 * transaction (multi-row inserts), so a crash never leaves half a seed. Replicas starting together
 * wait on one advisory lock: the first seeds, the others find the rows and go on.
 */
export async function openPostgresDatabase({ url, anchor }: PostgresOptions): Promise<PostgresDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  // An idle client's error (the server restarted) must not crash the process: the next query reconnects.
  pool.on('error', () => {});
  const db = new PostgresDatabase(pool);
  try {
    await db.kysely.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
      for (const statement of schemaStatements(db.kysely)) await trx.executeQuery(statement);
      const seeded = await trx.selectFrom('customers').select('id').limit(1).execute();
      if (seeded.length > 0) {
        // Seeded before LATER_TABLES existed: their rows come from the anchor it was seeded with.
        const later = await trx.selectFrom('threads').select('id').limit(1).execute();
        const stored = await trx.selectFrom('meta').select('value').where('key', '=', 'anchor').executeTakeFirst();
        if (later.length > 0 || !stored) return;
        for (const { sql: text, parameters } of seedInserts(db.kysely, generateSeed(new Date(stored.value)), undefined, LATER_TABLES)) {
          await trx.executeQuery(CompiledQuery.raw(text, [...parameters]));
        }
        return;
      }
      for (const { sql: text, parameters } of seedInserts(db.kysely, generateSeed(anchor))) {
        await trx.executeQuery(CompiledQuery.raw(text, [...parameters]));
      }
      await trx.insertInto('meta').values({ key: 'anchor', value: anchor.toISOString() }).execute();
    });
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
