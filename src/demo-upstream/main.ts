// `npm run demo:upstream`: the demo schema as a stand-alone GraphQL API on port 4001. The only file here that reads process.env.
import { z } from 'zod';
import { openSqliteDatabase } from '../demo/sqlite.ts';
import { createLogger } from '../log.ts';
import { startDemoUpstream } from './upstream.ts';

const Env = z.object({
  /** Default 4001. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
  /** Default 127.0.0.1. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Its own SQLite file, seeded on first start like cardql's. Default data/demo-upstream.sqlite. */
  DEMO_UPSTREAM_DATABASE: z.string().min(1).default('data/demo-upstream.sqlite'),
  /** When set, requests must carry `Authorization: Bearer <token>`. Default none. */
  DEMO_UPSTREAM_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  const lines = parsed.error.issues.map((issue) => `  - ${String(issue.path[0])}: ${issue.message}, received ${JSON.stringify(process.env[String(issue.path[0])])}`);
  process.stderr.write(`demo upstream cannot start.\n${lines.join('\n')}\n`);
  process.exit(1);
}
const env = parsed.data;
const logger = createLogger(env.LOG_LEVEL).child({ app: 'demo-upstream' });
const db = openSqliteDatabase({ path: env.DEMO_UPSTREAM_DATABASE });
const upstream = await startDemoUpstream({ db, port: env.PORT, host: env.HOST, token: env.DEMO_UPSTREAM_TOKEN || undefined, logger });
logger.info({ url: upstream.url, auth: env.DEMO_UPSTREAM_TOKEN ? 'bearer token required' : 'none' }, 'demo upstream listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void upstream.close().then(() => (db.close(), process.exit(0))));
}
