// The demo's database, on either engine: the interface loaders read through, the choice of engine, and the seed's inserts.
import type { CompiledQuery, Kysely } from 'kysely';
import type { SeedData } from './seed/seed-builder.ts';
import { TABLE_NAMES, type DemoTables, type TableName } from './tables.ts';

/** A statement kysely compiled for the database's dialect, with this run's parameters. */
export type Statement = Pick<CompiledQuery, 'sql' | 'parameters'>;

/**
 * What the demo's loaders and readiness need of a database, the same on embedded SQLite (src/demo/sqlite.ts)
 * and on PostgreSQL (src/demo/postgres.ts). Every statement is built by `kysely` for its dialect.
 */
export type DemoDatabase = {
  readonly dialect: 'sqlite' | 'postgres';
  /** Builds (compiles) statements in this database's dialect; never used to run the hot path's reads on SQLite. */
  readonly kysely: Kysely<DemoTables>;
  /** Statements run through `rows()`: tests and `npm run bench` read it to prove that loaders batch. */
  readonly statementCount: number;
  /** Runs one statement and returns its rows as objects keyed by column name. */
  rows<R>(statement: Statement): R[] | Promise<R[]>;
  /** Resolves when the database answers `SELECT 1`, rejects otherwise (readiness). */
  ping(): Promise<void>;
  /** Safe to call twice. */
  close(): void | Promise<void>;
};

/** Both engines take this many parameters per statement and more (SQLite 32,766, PostgreSQL 65,535). */
const MAX_PARAMETERS = 30_000;

/**
 * The seed's INSERTs, `rowsPerStatement` rows each (default: as many as the parameter limit allows): the SQL
 * text and its flat parameters. Over a network (PostgreSQL) few large statements are fast; in-process
 * (SQLite) one prepared single-row statement run per row is faster still (no large parameter arrays).
 * `tables`: only these (in foreign-key order), e.g. `LATER_TABLES` for an older database.
 */
export function* seedInserts(
  kysely: Kysely<DemoTables>,
  data: SeedData,
  rowsPerStatement = Number.POSITIVE_INFINITY,
  tables: readonly TableName[] = TABLE_NAMES,
): Generator<Statement> {
  for (const table of tables) {
    const rows: ReadonlyArray<Record<string, unknown>> = data[table];
    const first = rows[0];
    if (!first) continue;
    const columns = Object.keys(first);
    const perStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMETERS / columns.length)));
    // The SQL of a full chunk is compiled once and reused; only the last, shorter chunk gets its own.
    const texts = new Map<number, string>();
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      let sql = texts.get(chunk.length);
      if (sql === undefined) texts.set(chunk.length, (sql = insertText(kysely, table, columns, chunk.length)));
      const parameters: unknown[] = [];
      for (const row of chunk) for (const column of columns) parameters.push(row[column]);
      yield { sql, parameters };
    }
  }
}

/** `INSERT INTO <table> (<columns>) VALUES (…), …` for `count` rows, parameters row by row in `columns` order. */
function insertText(kysely: Kysely<DemoTables>, table: (typeof TABLE_NAMES)[number], columns: readonly string[], count: number): string {
  const marker = (row: number, column: number) => `\u0000${row}:${column}`;
  const rows = Array.from({ length: count }, (_, r) => Object.fromEntries(columns.map((column, c) => [column, marker(r, c)])));
  const compiled = kysely.insertInto(table).values(rows as never).compile();
  // The reuse above relies on this order; kysely has always kept it, and this says so if it ever does not.
  const expected = rows.flatMap((_, r) => columns.map((_column, c) => marker(r, c)));
  if (compiled.parameters.length !== expected.length || compiled.parameters.some((value, i) => value !== expected[i])) {
    throw new Error(`kysely compiled the ${table} insert with its parameters in another order than its rows and columns`);
  }
  return compiled.sql;
}
