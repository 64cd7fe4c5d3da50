// `npm run demo:remote`: the demo upstream on :4001 and cardql on :4000 with the six demo cards running on it, in one process.
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config.ts';
import { openSqliteDatabase } from '../demo/sqlite.ts';
import { createLogger } from '../log.ts';
import { RegistryError } from '../registry/registry.ts';
import { startServer } from '../server.ts';
import { startDemoUpstream } from './upstream.ts';

/** Where examples/remote-demo/sources.json says the demo source is. */
const UPSTREAM_PORT = 4001;

// The token the upstream requires and cardql sends (sources.json: `Bearer ${DEMO_UPSTREAM_TOKEN}`): the secret path end to end.
const token = process.env.DEMO_UPSTREAM_TOKEN || randomBytes(12).toString('hex');
const logger = createLogger('info').child({ app: 'demo-upstream' });
const db = openSqliteDatabase({ path: process.env.DEMO_UPSTREAM_DATABASE ?? 'data/demo-upstream.sqlite' });
const upstream = await startDemoUpstream({ db, port: UPSTREAM_PORT, token, logger });
logger.info({ url: upstream.url }, 'demo upstream listening');

try {
  const cardql = await startServer({
    ...process.env,
    CARDQL_SOURCES: 'examples/remote-demo/sources.json',
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
