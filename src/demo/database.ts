// The embedded SQLite database behind the in-process schema: opened once per process, seeded on first open.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { generateSeed } from './seed/seed.ts';
import { SCHEMA_SQL, TABLE_NAMES } from './tables.ts';

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
 *
 * Statements run in one read transaction per turn of the event loop: the first statement of a turn
 * begins it, and it ends when the turn does (setImmediate). Left to SQLite, each statement would be
 * its own transaction, taking and releasing the WAL read lock with system calls each time: the eight
 * statements of a six-card request cost 53 µs that way and 34 µs in one transaction (cpuUsage,
 * 20,000 rounds). It also means the statements of one turn, and so every batch a request's loaders
 * run together, read one snapshot.
 */
export class Database {
  /** Statements executed through `all()`: tests read it to prove that loaders batch. */
  statementCount = 0;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #statements = new Map<string, Prepared>();
  readonly #begin: BetterSqlite3.Statement;
  readonly #commit: BetterSqlite3.Statement;
  #turnEnd: NodeJS.Immediate | undefined;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#sqlite = sqlite;
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
export function openDatabase({ path, anchor = startOfUtcDay(new Date()) }: DatabaseOptions): Database {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  try {
    // WAL lets readers carry on while another process writes; it means nothing for memory databases.
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // SQLite's own default page cache (2 MB) rather than better-sqlite3's 16 MB: the OS page cache holds
    // the file anyway, and under load the larger cache was 10 MB of the process's RSS for no CPU saved
    // (npm run bench, bench/RESULTS.md).
    sqlite.pragma('cache_size = -2000');
    // IMMEDIATE takes the write lock before the emptiness check, so two processes cannot both seed.
    sqlite.transaction(() => {
      sqlite.exec(SCHEMA_SQL);
      if (sqlite.prepare('SELECT 1 FROM customers LIMIT 1').get() === undefined) seed(sqlite, anchor);
    }).immediate();
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Database(sqlite);
}

/**
 * Statements that return rows run in raw mode (arrays), made into objects here: 20% less CPU per
 * statement than better-sqlite3 building them (10.0 → 7.9 µs for a customer's invoices), and
 * SQL is the largest share of a Plain request's CPU. Same objects: column names as keys, in order.
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

function seed(sqlite: BetterSqlite3.Database, anchor: Date): void {
  const data = generateSeed(anchor);
  for (const table of TABLE_NAMES) {
    const rows = data[table];
    const first = rows[0];
    if (!first) continue;
    const columns = Object.keys(first);
    const insert = sqlite.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`,
    );
    for (const row of rows) insert.run(row);
  }
  sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('anchor', anchor.toISOString());
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
