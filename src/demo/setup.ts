// `npm run db:setup`: creates and seeds the demo database (SQLite, or PostgreSQL with DATABASE_URL) without starting the service.
import { ConfigError, loadConfig, redactUrl } from '../config.ts';
import { openDemoDatabase } from './index.ts';

try {
  const { config } = loadConfig(process.env);
  const where = config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : `SQLite ${config.databasePath}`;
  process.stdout.write(`demo database on ${where}: creating the tables and seeding 10,000 customers if it is empty…\n`);
  const started = performance.now();
  const db = await openDemoDatabase({ url: config.databaseUrl, path: config.databasePath });
  try {
    const [row] = await db.rows<{ n: number | string }>({ sql: 'SELECT COUNT(*) AS n FROM customers', parameters: [] });
    process.stdout.write(`ready: ${Number(row?.n)} customers (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  } finally {
    await db.close();
  }
} catch (error) {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `db:setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
