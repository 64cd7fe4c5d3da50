// `npm run bench:remote`: a 6-card Plain request in remote mode, cards merged into one upstream request vs one upstream request per card.
//
// Three processes on loopback, so that no two share an event loop: the demo upstream (graphql-yoga
// over its own SQLite), and two cardql servers on it that differ only by the source's `merge` flag.
// The load generator (autocannon, in this process) alternates between them, round after round, so
// that both modes see the same machine. Bounded: about 40 s with the defaults.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';

type Histogram = { p50: number; p99: number; average: number };
type Result = { latency: Histogram; requests: Histogram & { total: number }; errors: number; timeouts: number; non2xx: number };
type Request = { method: string; path: string; headers: Record<string, string>; body?: string; setupRequest?: (request: Request) => Request };
// autocannon ships no types: the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: { url: string; connections: number; duration: number; requests: Request[] }) => Promise<Result>;

const USAGE = 'Usage: npm run bench:remote [-- --duration <s per round, default 6>] [--rounds <default 2>] [--connections <default 8>]';
let options;
try {
  options = parseArgs({ options: { duration: { type: 'string', default: '6' }, rounds: { type: 'string', default: '2' }, connections: { type: 'string', default: '8' } } }).values;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
const duration = Number(options.duration);
const rounds = Number(options.rounds);
const connections = Number(options.connections);
if (![duration, rounds, connections].every((n) => Number.isInteger(n) && n > 0) || duration * rounds * 2 > 50) {
  process.stderr.write(`expected positive integers with duration × rounds × 2 ≤ 50 s (the run stays under a minute), received --duration ${options.duration} --rounds ${options.rounds} --connections ${options.connections}\n${USAGE}\n`);
  process.exit(2);
}

const DEMO_KEYS = ['customer-details', 'plan-details', 'subscription-status', 'usage', 'latest-invoice', 'recent-orders'];
const DATABASE = 'data/bench-upstream.sqlite';
const TOKEN = 'bench-upstream-token';

// Opened here first, so that a first run seeds it before the upstream starts; then only read.
const db = openSqliteDatabase({ path: DATABASE });
const customers = db.all<{ id: string; email: string; external_id: string; plain_customer_id: string | null }>('SELECT id, email, external_id, plain_customer_id FROM customers ORDER BY id LIMIT 500');
db.close();
const bodies = customers.map((c) => JSON.stringify({ cardKeys: DEMO_KEYS, customer: { id: c.plain_customer_id ?? `c_${c.id}`, email: c.email, externalId: c.external_id } }));

const children: ChildProcess[] = [];
const stopAll = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
process.once('SIGINT', () => (stopAll(), process.exit(130)));

try {
  const upstreamPort = await freePort();
  await start('demo upstream', 'src/demo-upstream/main.ts', { PORT: String(upstreamPort), DEMO_UPSTREAM_DATABASE: DATABASE, DEMO_UPSTREAM_TOKEN: TOKEN }, `http://127.0.0.1:${upstreamPort}/graphql?query=%7B__typename%7D`, { authorization: `Bearer ${TOKEN}` });
  const queriesDir = 'examples/remote-demo/queries';
  const cardsDir = 'examples/remote-demo/cards';
  const modes = [];
  for (const merge of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'cardql-bench-remote-'));
    const sources = join(dir, 'sources.json');
    const declaration = { demo: { url: `http://127.0.0.1:${upstreamPort}/graphql`, schema: 'schemas/demo.graphql', merge, headers: { Authorization: 'Bearer ${DEMO_UPSTREAM_TOKEN}' } } };
    writeFileSync(sources, JSON.stringify(declaration));
    const port = await freePort();
    const env = { PORT: String(port), CARDQL_SOURCES: sources, CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir, DEMO_UPSTREAM_TOKEN: TOKEN, CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'warn' };
    await start(`cardql (merge ${merge})`, 'src/index.ts', env, `http://127.0.0.1:${port}/healthz`);
    modes.push({ name: merge ? 'merged: 1 upstream request per Plain request' : 'not merged: 1 upstream request per card', url: `http://127.0.0.1:${port}`, results: [] as Result[], upstream: [] as number[] });
  }

  process.stdout.write(`6-card Plain requests, ${connections} connections, ${rounds} round(s) of ${duration} s per mode, ${customers.length} customers rotated; node ${process.version}\n\n`);
  for (const mode of modes) await load(mode.url, 1); // warm-up: JIT, connection pools
  for (let round = 1; round <= rounds; round++) {
    for (const mode of round % 2 === 1 ? modes : [...modes].reverse()) {
      const before = await upstreamRequests(mode.url);
      const result = await load(mode.url, duration);
      const after = await upstreamRequests(mode.url);
      mode.results.push(result);
      if (before !== undefined && after !== undefined) mode.upstream.push((after - before) / Math.max(1, result.requests.total));
      process.stdout.write(`round ${round}  ${mode.name.padEnd(46)} ${row(result)}\n`);
    }
  }

  process.stdout.write('\nmode                                           req/s    p50 ms   p99 ms   upstream req per Plain req\n');
  const summary = modes.map((mode) => ({
    name: mode.name,
    rps: mean(mode.results.map((r) => r.requests.average)),
    p50: mean(mode.results.map((r) => r.latency.p50)),
    p99: mean(mode.results.map((r) => r.latency.p99)),
    upstream: mode.upstream.length > 0 ? mean(mode.upstream).toFixed(2) : 'n/a',
    failures: mode.results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
  }));
  for (const s of summary) process.stdout.write(`${s.name.padEnd(46)} ${s.rps.toFixed(0).padStart(6)} ${s.p50.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)}   ${s.upstream}${s.failures > 0 ? `   (${s.failures} failed requests)` : ''}\n`);
  const [merged, separate] = summary as [(typeof summary)[number], (typeof summary)[number]];
  process.stdout.write(
    `\nmerging vs not: ${(merged.rps / separate.rps).toFixed(2)}× the throughput, p50 ${(separate.p50 / merged.p50).toFixed(2)}× lower, p99 ${(separate.p99 / merged.p99).toFixed(2)}× lower (same run, same machine)\n`,
  );
  if (merged.failures + separate.failures > 0) process.exitCode = 1;
} finally {
  stopAll();
}

async function load(url: string, seconds: number): Promise<Result> {
  let next = 0;
  const request: Request = {
    method: 'POST',
    path: '/cards',
    headers: { 'content-type': 'application/json', 'plain-workspace-id': 'w_bench' },
    setupRequest: (r) => ({ ...r, body: bodies[next++ % bodies.length] }),
  };
  return autocannon({ url, connections, duration: seconds, requests: [request] });
}

function row(r: Result): string {
  const failures = r.errors + r.timeouts + r.non2xx;
  return `${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50.toFixed(1).padStart(6)} ms  p99 ${r.latency.p99.toFixed(1).padStart(6)} ms${failures > 0 ? `  ${failures} failed` : ''}`;
}

/** cardql's own count of upstream HTTP requests (its /metrics), when the metrics module is there. */
async function upstreamRequests(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!response?.ok) return undefined;
  const lines = (await response.text()).split('\n').filter((line) => line.startsWith('cardql_upstream_requests_total{'));
  return lines.length === 0 ? undefined : lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function start(name: string, script: string, env: Record<string, string>, readyUrl: string, headers: Record<string, string> = {}): Promise<void> {
  // `node --import tsx`: one process, no wrapper, so that stopping it stops the server.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}:\n${stderr}`);
    const ok = await fetch(readyUrl, { headers })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
  }
  throw new Error(`${name} did not answer ${readyUrl} within 60 s:\n${stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
