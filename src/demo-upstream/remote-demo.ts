// `npm run demo:remote`: the demo upstream on :4001 and cardql on :4000 with the six demo cards running on it, in one process.
// DEMO_UPSTREAM_PORT and PORT move them (e.g. when 4000 is taken by `npm start`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config.ts';
import { openSqliteDatabase } from '../demo/sqlite.ts';
import { createLogger } from '../log.ts';
import { RegistryError } from '../registry/registry.ts';
import { startServer } from '../server.ts';
import { startDemoUpstream } from './upstream.ts';

/** Where examples/remote-demo/sources.json says the demo source is. */
const DECLARED_PORT = 4001;
const SOURCES = 'examples/remote-demo/sources.json';

const portSetting = process.env.DEMO_UPSTREAM_PORT ?? String(DECLARED_PORT);
if (!/^\d+$/.test(portSetting) || Number(portSetting) > 65_535) {
  process.stderr.write(`demo:remote cannot start: DEMO_UPSTREAM_PORT: expected an integer from 0 to 65535, received ${JSON.stringify(portSetting)}\n`);
  process.exit(1);
}
const UPSTREAM_PORT = Number(portSetting);

// The token the upstream requires and cardql sends (sources.json: `Bearer ${DEMO_UPSTREAM_TOKEN}`): the secret path end to end.
const token = process.env.DEMO_UPSTREAM_TOKEN || randomBytes(12).toString('hex');
const logger = createLogger('info').child({ app: 'demo-upstream' });
const db = openSqliteDatabase({ path: process.env.DEMO_UPSTREAM_DATABASE ?? 'data/demo-upstream.sqlite' });
const upstream = await startDemoUpstream({ db, port: UPSTREAM_PORT, token, logger }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  process.stderr.write(`demo:remote cannot start: DEMO_UPSTREAM_PORT: expected a free port, received ${UPSTREAM_PORT}, which is already in use (set DEMO_UPSTREAM_PORT)\n`);
  process.exit(1);
});
logger.info({ url: upstream.url }, 'demo upstream listening');

/** The declaration as written, or a copy pointing at the port the upstream really got. */
function sourcesFile(): string {
  if (UPSTREAM_PORT === DECLARED_PORT) return SOURCES;
  const declaration = JSON.parse(readFileSync(SOURCES, 'utf8')) as { demo: { url: string } };
  declaration.demo.url = new URL('/graphql', upstream.url).href;
  const path = join(mkdtempSync(join(tmpdir(), 'cardql-demo-remote-')), 'sources.json');
  writeFileSync(path, JSON.stringify(declaration, null, 2));
  return path;
}

try {
  const cardql = await startServer({
    ...process.env,
    CARDQL_SOURCES: sourcesFile(),
    CARDQL_QUERIES_DIR: 'examples/remote-demo/queries',
    CARDQL_CARDS_DIR: 'examples/remote-demo/cards',
    DEMO_UPSTREAM_TOKEN: token,
  });
  cardql.app.logger.info({ try: `curl -s ${cardql.url}/cards -H 'content-type: application/json' -d '{"cardKeys":["plan-details","usage"],"customer":{"id":"c_01GW2NTPQNPWTRKAC0G8Z518W2","email":"alex@grocery.co","externalId":null}}'`, graphiql: `${cardql.url}/graphql/demo` }, 'remote mode: every demo card runs on the demo upstream');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void Promise.all([cardql.close(), upstream.close()]).then(() => (db.close(), process.exit(0))));
  }
} catch (error) {
  process.stderr.write(`cardql cannot start.\n${error instanceof ConfigError || error instanceof RegistryError ? error.message : String((error as Error).stack ?? error)}\n`);
  await upstream.close();
  process.exit(1);
}
