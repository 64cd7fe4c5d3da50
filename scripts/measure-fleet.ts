// `npx tsx scripts/measure-fleet.ts`: what the breaker and the last good cards change while a source is down.
// One real cardql (startServer, loopback) on Redis (CARDQL_TEST_REDIS_URL, a random key prefix, cleaned after) in
// front of a loopback upstream that, once warm, hangs (never answers: the source's timeout decides) or refuses
// connections. Prints, per request: ms to answer, outcomes, whether the upstream was called; and the Redis round
// trips (cardql's counter) and commands (Redis MONITOR, this prefix only) per Plain request. Figures: docs/operations.md.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createDemoUpstream } from '../src/demo-upstream/upstream.ts';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { startServer } from '../src/server.ts';

const REDIS_URL = process.env.CARDQL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEYS = ['usage', 'plan-details', 'subscription-status'];
const CUSTOMER = { id: 'c_01GW2NTPQNPWTRKAC0G8Z518W2', email: 'alex@grocery.co', externalId: 'customer-id-in-your-backend' };
const TIMEOUT_MS = 2000;
const FAILURES = 5;
const REQUESTS_DOWN = 10;

type Mode = 'up' | 'hang' | 'refuse';

async function main(): Promise<void> {
  const db = openSqliteDatabase({ path: ':memory:' });
  const yoga = createDemoUpstream({ db });
  let mode: Mode = 'up';
  let calls = 0;
  const upstream: Server = createServer((request, response) => {
    if (mode === 'refuse') return void request.socket.destroy();
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.includes('__schema')) return void response.writeHead(404).end();
      calls += 1;
      if (mode === 'hang') return; // never answers: the source's timeout decides
      const answer = await yoga.fetch('http://upstream/graphql', { method: 'POST', headers: request.headers as Record<string, string>, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/graphql`;

  const root = mkdtempSync(join(tmpdir(), 'cardql-measure-'));
  mkdirSync(join(root, 'queries', 'demo'), { recursive: true });
  mkdirSync(join(root, 'cards'));
  for (const key of KEYS) {
    symlinkSync(resolve(`queries/${key}.graphql`), join(root, 'queries', 'demo', `${key}.graphql`));
    writeFileSync(join(root, 'cards', `${key}.ts`), `export { default } from '${resolve(`src/cards/${key}.ts`)}';\n`);
  }
  writeFileSync(join(root, 'sources.json'), JSON.stringify({ demo: { url: upstreamUrl, schema: resolve('schemas/demo.graphql'), timeoutMs: TIMEOUT_MS, breaker: { failures: FAILURES, halfOpenAfterMs: 600_000 } } }));
  const prefix = `cardql-measure:${randomBytes(6).toString('hex')}:`;
  const monitor = await new Redis(REDIS_URL).monitor();
  const commands: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.startsWith(prefix))) commands.push(args[0]!.toUpperCase());
  });
  // A fresh server per kind of outage: each starts with its breaker closed.
  for (const down of ['hang', 'refuse'] as const) {
    const running = await startServer({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      CARDQL_DATABASE: join(root, 'cardql.sqlite'),
      CARDQL_QUERIES_DIR: join(root, 'queries'),
      CARDQL_CARDS_DIR: join(root, 'cards'),
      CARDQL_SOURCES: join(root, 'sources.json'),
      REDIS_URL,
      CARDQL_REDIS_KEY_PREFIX: prefix,
    });
    for (let i = 0; i < 100 && (await (await fetch(`${running.url}/readyz`)).text()).includes('degraded'); i++) await new Promise((r) => setTimeout(r, 20));
    const roundTrips = async () => {
      const text = await (await fetch(`${running.url}/metrics`)).text();
      return [...text.matchAll(/^cardql_stale_store_round_trips_total\{operation="(\w+)",result="ok"\} (\d+)/gm)].map((m) => `${m[1]}=${m[2]}`).join(' ') || 'none';
    };
    const post = async (label: string) => {
      const before = calls;
      const commandsBefore = commands.length;
      const started = performance.now();
      const response = await fetch(`${running.url}/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardKeys: KEYS, customer: CUSTOMER }) });
      const ms = performance.now() - started;
      const body = (await response.json()) as { cards?: Array<{ components: Array<{ componentText?: { text: string } }> | null }> };
      await new Promise((r) => setTimeout(r, 50)); // the write pipeline is not awaited by the answer; MONITOR lags a little
      const stale = body.cards?.filter((c) => c.components?.at(-1)?.componentText?.text.startsWith('Last updated')).length ?? 0;
      console.log(
        `${label.padEnd(22)} ${String(response.status)} ${ms.toFixed(1).padStart(8)} ms  stale ${stale}/${KEYS.length}  upstream calls ${calls - before}  redis commands ${commands.slice(commandsBefore).join(',') || '-'}  round trips so far: ${await roundTrips()}`,
      );
    };

    console.log(`\n${down}: cardql ${running.url}, upstream ${upstreamUrl}, source timeoutMs ${TIMEOUT_MS}, breaker opens after ${FAILURES} failed calls`);
    mode = 'up';
    await post('warm (source up)');
    await post('again (source up)');
    mode = down;
    for (let i = 1; i <= REQUESTS_DOWN; i++) await post(`${down} #${i}`);
  await running.close();
  }
  monitor.disconnect();
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  admin.disconnect();
  upstream.closeAllConnections();
  upstream.close();
  db.close();
}

await main();
// Node's fetch keeps connections to the upstream alive for a few seconds: do not wait for them.
process.exit(0);
