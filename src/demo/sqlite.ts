// The demo database on embedded SQLite (better-sqlite3), the default: opened once per process, seeded on first open.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { loggable } from '../log.ts';
import { seedInserts, type DemoDatabase, type Statement } from './database.ts';
import { generateSeed } from './seed/seed.ts';
import { LATER_TABLES, schemaStatements, type DemoTables, type TableName } from './tables.ts';

export type DatabaseOptions = {
  /** A file path, or `':memory:'` for a private database that vanishes on close. */
  path: string;
  /**
   * The "now" the seed's dates are relative to; used only when the database is seeded.
   * Default: the UTC start of the current day.
   */
  anchor?: Date;
};

// One prepared statement per distinct SQL text; loaders make one text per batch size, so bound the cache.
const STATEMENT_CACHE_SIZE = 500;

/** A prepared statement, and for one that returns rows the names of its columns. */
type Prepared = { statement: BetterSqlite3.Statement; columns: string[] | null };

/**
 * A read-only view of the database for resolvers' loaders; the better-sqlite3 handle stays inside.
 * Statements are built by kysely (SqliteDialect over the same handle) but run here, synchronously, on
 * better-sqlite3's prepared statements: kysely's own execution would add a promise, a connection mutex
 * and a result copy per statement on the hot path, for nothing SQLite needs.
 *
 * Statements run in one read transaction per turn of the event loop: the first statement of a turn
 * begins it, and it ends when the turn does (setImmediate). Left to SQLite, each statement would be
 * its own transaction, taking and releasing the WAL read lock with system calls each time (the cost
 * is in docs/performance.md). It also means the statements of one turn, and so every batch a
 * request's loaders run together, read one snapshot.
 */
export class SqliteDatabase implements DemoDatabase {
  readonly dialect = 'sqlite';
  readonly kysely: Kysely<DemoTables>;
  /** Statements executed through `all()` and `rows()`: tests read it to prove that loaders batch. */
  statementCount = 0;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #statements = new Map<string, Prepared>();
  readonly #begin: BetterSqlite3.Statement;
  readonly #commit: BetterSqlite3.Statement;
  #turnEnd: NodeJS.Immediate | undefined;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#sqlite = sqlite;
    this.kysely = new Kysely<DemoTables>({ dialect: new SqliteDialect({ database: sqlite }) });
    this.#begin = sqlite.prepare('BEGIN');
    this.#commit = sqlite.prepare('COMMIT');
  }

  /** Runs a query and returns every row, reusing the prepared statement for the same SQL text. */
  all<T>(sql: string, params: readonly unknown[] = []): T[] {
    let prepared = this.#statements.get(sql);
    if (!prepared) {
      prepared = prepare(this.#sqlite, sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear();
      this.#statements.set(sql, prepared);
    }
    this.statementCount += 1;
    this.#readInThisTurn();
    const { statement, columns } = prepared;
    if (!columns) return statement.all(...params) as T[];
    const rows = statement.all(...params) as unknown[][];
    return rows.map((values) => rowObject(columns, values) as T);
  }

  rows<T>({ sql, parameters }: Statement): T[] {
    return this.all<T>(sql, parameters);
  }

  async ping(): Promise<void> {
    if (!this.#sqlite.open) throw loggable(new Error('the demo database is closed'));
    const rows = this.all<{ ok: number }>('SELECT 1 AS ok');
    if (rows[0]?.ok !== 1) throw new Error(`expected SELECT 1 to return 1, received ${JSON.stringify(rows)}`);
  }

  isOpen(): boolean {
    return this.#sqlite.open;
  }

  /** Safe to call twice. */
  close(): void {
    this.#endTurn();
    this.#statements.clear();
    if (this.#sqlite.open) this.#sqlite.close();
  }

  #readInThisTurn(): void {
    if (this.#turnEnd || this.#sqlite.inTransaction) return;
    this.#begin.run();
    this.#turnEnd = setImmediate(this.#endTurn);
  }

  readonly #endTurn = (): void => {
    if (this.#turnEnd) clearImmediate(this.#turnEnd);
    this.#turnEnd = undefined;
    if (this.#sqlite.open && this.#sqlite.inTransaction) this.#commit.run();
  };
}

/**
 * Opens (creating it if need be) the demo database. Tables are created and, when the customers
 * table is empty, seeded from `anchor` in one transaction, so a crash never leaves half a seed.
 * A file database is reused as is on later opens, whatever `anchor` they pass.
 */
export function openSqliteDatabase({ path, anchor = startOfUtcDay(new Date()) }: DatabaseOptions): SqliteDatabase {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  try {
    // WAL lets readers carry on while another process writes; it means nothing for memory databases.
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // SQLite's own default page cache (2 MB) rather than better-sqlite3's 16 MB: the OS page cache holds
    // the file anyway, and the larger cache cost RSS for no CPU saved (docs/performance.md).
    sqlite.pragma('cache_size = -2000');
    const db = new SqliteDatabase(sqlite);
    // IMMEDIATE takes the write lock before the emptiness check, so two processes cannot both seed.
    sqlite.transaction(() => {
      for (const { sql } of schemaStatements(db.kysely)) sqlite.prepare(sql).run();
      if (sqlite.prepare('SELECT 1 FROM customers LIMIT 1').get() === undefined) seed(sqlite, db.kysely, anchor);
      else if (sqlite.prepare('SELECT 1 FROM threads LIMIT 1').get() === undefined) seedLaterTables(sqlite, db.kysely);
    }).immediate();
    return db;
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Statements that return rows run in raw mode (arrays), made into objects here: less CPU per
 * statement than better-sqlite3 building them (docs/performance.md), and SQL is the largest share
 * of a Plain request's CPU. Same objects: column names as keys, in order.
 */
function prepare(sqlite: BetterSqlite3.Database, sql: string): Prepared {
  const statement = sqlite.prepare(sql);
  if (!statement.reader) return { statement, columns: null };
  return { statement: statement.raw(true), columns: statement.columns().map((column) => column.name) };
}

function rowObject(columns: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}

function seed(sqlite: BetterSqlite3.Database, kysely: Kysely<DemoTables>, anchor: Date, tables?: readonly TableName[]): void {
  const statements = new Map<string, BetterSqlite3.Statement>();
  for (const { sql, parameters } of seedInserts(kysely, generateSeed(anchor), 1, tables)) {
    let insert = statements.get(sql);
    if (!insert) statements.set(sql, (insert = sqlite.prepare(sql)));
    insert.run(parameters);
  }
  if (!tables) sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('anchor', anchor.toISOString());
}

/** A database seeded before `LATER_TABLES` existed gets their rows, from the anchor it was seeded with. */
function seedLaterTables(sqlite: BetterSqlite3.Database, kysely: Kysely<DemoTables>): void {
  const stored = sqlite.prepare("SELECT value FROM meta WHERE key = 'anchor'").get() as { value: string } | undefined;
  if (stored) seed(sqlite, kysely, new Date(stored.value), LATER_TABLES);
}

/** Midnight UTC of `date`'s day: the default seed anchor. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
