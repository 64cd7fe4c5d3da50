// `npm run bench`: cardql under load against its limit and the naive alternative, every row measured in
// the same run on this machine, with PASS/FAIL per target. See docs/performance.md for the flags.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { LOADER_COUNT } from '../src/demo/loaders.ts';
import { cardRequests, cardsWithCopies, DEMO_KEYS, graphqlGroups, MAX_KEYS, pickCustomers, readQueries, SINGLE_KEY, type Prepared } from './fixtures.ts';
import { runAutocannon, runGroups, type LoadResult } from './load.ts';
import { freePort, readCpuMs, readMemory, sampleRss, sleep, startChild, type Child } from './processes.ts';
import { countStatements, type StatementCounts } from './statements.ts';

const ROWS = ['limit', 'cardql', 'naive', 'ceiling', 'scaling', 'rss'] as const;
type RowId = (typeof ROWS)[number];

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    'rss-duration': { type: 'string' },
    connections: { type: 'string', default: '32' },
    customers: { type: 'string', default: '500' },
    quick: { type: 'boolean', default: false },
    rows: { type: 'string', default: ROWS.join(',') },
    'cpu-prof': { type: 'string' },
    'server-output': { type: 'string' },
    'node-args': { type: 'string' },
    server: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench -- [options]
  --duration <s>       seconds per measured row (default 10; --quick: 3)
  --rss-duration <s>   seconds of the memory row (default 60; --quick: 10, and the RSS target is not judged)
  --connections <n>    concurrent Plain requests (default 32)
  --customers <n>      distinct seeded customers the requests rotate over (default 500)
  --rows <list>        rows to run, of ${ROWS.join(',')} (default all)
  --cpu-prof <dir>     write a V8 CPU profile of the cardql server (6-card config) into <dir>
  --server-output <file>  write that server's stdout to <file>: its logs, and what node flags print; with
                       --node-args="<the start script's flags> --trace-gc-nvp", every GC with what it promoted
  --node-args=<args>   node/V8 flags for the cardql servers (default: those of \`npm start\`, read from package.json)
  --server <file>      the cardql entry point to start (default: that of \`npm start\`, built first), to measure
                       a variant (a .ts file runs through tsx)
  --quick              a short smoke run
`);
  process.exit(0);
}

const quick = flags.quick;
const durationS = positive('duration', flags.duration ?? (quick ? '3' : '10'));
const rssDurationS = positive('rss-duration', flags['rss-duration'] ?? (quick ? '10' : '60'));
const connections = positive('connections', flags.connections);
const customerCount = positive('customers', flags.customers);
const warmupS = quick ? 1 : 2;
const rows = new Set(flags.rows.split(',').map((row) => row.trim()));
for (const row of rows) if (!(ROWS as readonly string[]).includes(row)) fail(`--rows: expected a list of ${ROWS.join(', ')}, received "${row}"`);
const has = (row: RowId) => rows.has(row);
const start = startCommand();
const nodeArgs = flags['node-args'] !== undefined ? flags['node-args'].split(/\s+/).filter(Boolean) : start.nodeArgs;
const server = flags.server ?? start.entry;
/** The compiled server imports no TypeScript: its scaling cards re-export the built mappers. */
const compiled = !server.endsWith('.ts');

/**
 * The node flags and entry point `npm start` runs the service with (after its `prestart`, the build), so
 * that the bench measures what users run.
 */
function startCommand(): { nodeArgs: string[]; entry: string } {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /^(?:exec\s+)?node((?:\s+--[\w-]+(?:=\S+)?)*)\s+(\S+\.js)$/.exec(start);
  if (!match) fail(`package.json: expected the start script to be "[exec] node [flags] <entry>.js", received "${start}"`);
  return { nodeArgs: match[1]!.split(/\s+/).filter(Boolean), entry: match[2]! };
}

/** What `npm start` does before it starts: `npm run build`, so that the compiled server is the current source. */
function build(): void {
  log('building (npm run build, as npm start does)');
  const built = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) fail(`npm run build failed (${built.error?.message ?? `exit ${built.status}`})`);
}

/** How an error card reads (src/resolve/card-result.ts): a benchmark of error cards would measure nothing. */
const ERROR_CARD = /This card (couldn't be loaded|took too long to load)\. Reference:/;
const RSS_TARGET_MB = 150;
const P99_TARGET_MS = 25;
const databasePath = resolve('data/cardql.sqlite');
const secret = randomBytes(16).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const passEnv = Object.fromEntries(['HOME', 'TMPDIR'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
const cardqlEnv = {
  ...passEnv,
  NODE_ENV: 'production',
  CARDQL_SIGNING_SECRET: secret,
  CARDQL_ADMIN_TOKEN: adminToken,
  CARDQL_DATABASE: databasePath,
  LOG_LEVEL: 'info',
};

type Row = { name: string; cards: number | string; load: LoadResult; cpuMsPerRequest: number; clientCpuMsPerRequest: number; peakRssMb: number; statements?: StatementCounts };

const children: Child[] = [];
const temporary: string[] = [];
try {
  await main();
} finally {
  await Promise.all(children.map((child) => child.stop()));
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  log(`preparing: ${customerCount} customers from ${databasePath}`);
  const customers = pickCustomers(databasePath, customerCount);
  if (compiled) build();
  const copies = cardsWithCopies(MAX_KEYS, { compiled });
  temporary.push(dirname(copies.queriesDir));
  const demo = cardRequests(customers, DEMO_KEYS, secret);
  const scaling: Array<{ cards: number; requests: Prepared[] }> = [
    { cards: 1, requests: cardRequests(customers, [SINGLE_KEY], secret) },
    { cards: DEMO_KEYS.length, requests: cardRequests(customers, DEMO_KEYS, secret) },
    { cards: MAX_KEYS, requests: cardRequests(customers, copies.keys, secret) },
  ];
  const groups = graphqlGroups(customers, readQueries('queries', DEMO_KEYS));
  const graphqlHeaders = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${adminToken}` };
  const scalingEnv = { ...cardqlEnv, CARDQL_QUERIES_DIR: copies.queriesDir, CARDQL_CARDS_DIR: copies.cardsDir };

  log('starting the cardql servers (demo cards, and 25 cards)');
  const cardqlReady = (requests: Prepared[]) => async (url: string) => (await post(`${url}/cards`, requests[0]!)).status === 200;
  const [cardql, cardql25] = await Promise.all([
    startChild({
      name: 'cardql',
      script: server,
      env: cardqlEnv,
      port: await freePort(),
      nodeArgs: [...nodeArgs, ...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(flags['cpu-prof'])}`] : [])],
      stdout: flags['server-output'],
      ready: cardqlReady(demo),
    }),
    has('scaling')
      ? startChild({ name: 'cardql-25', script: server, env: scalingEnv, port: await freePort(), nodeArgs, ready: cardqlReady(scaling[0]!.requests) })
      : undefined,
  ]);
  children.push(cardql, ...(cardql25 ? [cardql25] : []));

  log('checking every prepared request gets a valid answer (no error cards) before measuring');
  const responses = await validateCards(`${cardql.url}/cards`, demo);
  if (cardql25) for (const { requests } of scaling) await validateCards(`${cardql25.url}/cards`, requests);
  if (has('naive')) await validateGraphql(`${cardql.url}/graphql`, groups, graphqlHeaders);

  const results: Partial<Record<'limit' | 'cardql' | 'naive' | 'ceiling', Row>> = {};
  const scalingRows: Row[] = [];
  let limit: Child | undefined;
  if (has('limit') || has('ceiling')) {
    const file = join(tmpdir(), `cardql-bench-responses-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(demo.map(({ body }, index) => ({ body, response: responses[index] }))));
    temporary.push(file);
    limit = await startChild({
      name: 'limit',
      script: 'bench/limit-server.ts',
      env: { ...passEnv, BENCH_RESPONSES: file },
      port: await freePort(),
      ready: async (url) => (await post(`${url}/cards`, demo[0]!)).status === 200,
    });
    children.push(limit);
  }

  if (limit && has('limit')) {
    results.limit = await measure('bare node:http, same response bytes (limit)', DEMO_KEYS.length, limit, (seconds) =>
      runAutocannon({ url: `${limit.url}/cards`, connections, durationS: seconds, requests: demo }),
    );
  }
  if (has('cardql')) {
    results.cardql = await measure('cardql POST /cards', DEMO_KEYS.length, cardql, (seconds) =>
      runAutocannon({ url: `${cardql.url}/cards`, connections, durationS: seconds, requests: demo }),
    );
  }
  if (has('naive')) {
    results.naive = await measure(`naive: ${DEMO_KEYS.length} × yoga POST /graphql`, DEMO_KEYS.length, cardql, (seconds) =>
      runGroups({ url: `${cardql.url}/graphql`, connections, durationS: seconds, groups, headers: graphqlHeaders }),
    );
  }
  if (limit && has('ceiling')) {
    results.ceiling = await measure(`naive driver → bare node:http (driver ceiling)`, DEMO_KEYS.length, limit, (seconds) =>
      runGroups({ url: `${limit.url}/cards`, connections, durationS: seconds, groups, headers: graphqlHeaders }),
    );
  }
  if (cardql25) {
    log('counting SQL statements per request in-process');
    const statements = await countStatements(scalingEnv, scaling.map(({ requests }) => requests.slice(0, 100)));
    for (const [index, { cards, requests }] of scaling.entries()) {
      const row = await measure(`scaling: cardql, ${cards} card${cards === 1 ? '' : 's'}`, cards, cardql25, (seconds) =>
        runAutocannon({ url: `${cardql25.url}/cards`, connections, durationS: seconds, requests }),
      );
      scalingRows.push({ ...row, statements: statements[index] });
    }
  }
  let memory: { row: Row; before: number; after: number; peak: number; trace: number[] } | undefined;
  if (has('rss')) {
    // A fresh process, so that its high-water mark is this row's alone (the naive row inflates the other one).
    log('starting a fresh cardql server for the memory row');
    const fresh = await startChild({ name: 'cardql-memory', script: server, env: cardqlEnv, port: await freePort(), nodeArgs, ready: cardqlReady(demo) });
    children.push(fresh);
    const before = readMemory(fresh.pid).rssBytes;
    const trace: number[] = [];
    const tracer = setInterval(() => trace.push(readMemory(fresh.pid).rssBytes), 10_000);
    const row = await measure(`cardql POST /cards, ${rssDurationS} s (memory, fresh process)`, DEMO_KEYS.length, fresh, (seconds) =>
      runAutocannon({ url: `${fresh.url}/cards`, connections, durationS: seconds, requests: demo }),
    { seconds: rssDurationS, warmup: false });
    clearInterval(tracer);
    const { rssBytes, peakRssBytes } = readMemory(fresh.pid);
    memory = { row, before, after: rssBytes, peak: peakRssBytes, trace: [...trace, rssBytes] };
  }

  // Status 200 is not enough: a card that failed or timed out under load is a 200 with an error card.
  const outcomes = await cardOutcomes(children.filter((child) => child.name.startsWith('cardql')).map((child) => child.url));
  report({ ...results, scaling: scalingRows, memory, outcomes });
}

/** Warms the target up, then runs `load` for the row's duration while sampling the target's RSS and CPU time. */
async function measure(
  name: string,
  cards: number | string,
  target: Child,
  load: (seconds: number) => Promise<LoadResult>,
  { seconds = durationS, warmup = true } = {},
): Promise<Row> {
  if (warmup) {
    log(`${name}: warming up ${warmupS} s`);
    await load(warmupS);
  }
  log(`${name}: measuring ${seconds} s`);
  const cpuBefore = readCpuMs(target.pid);
  const clientBefore = process.cpuUsage();
  const rss = sampleRss(target.pid);
  const result = await load(seconds);
  const { maxRssBytes } = rss.stop();
  const cpuMs = readCpuMs(target.pid) - cpuBefore;
  const client = process.cpuUsage(clientBefore);
  log(`${name}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.failures} failures`);
  await sleep(300); // let the target's last responses and GC settle before the next row
  const perRequest = (ms: number) => ms / Math.max(1, result.completed);
  return { name, cards, load: result, cpuMsPerRequest: perRequest(cpuMs), clientCpuMsPerRequest: perRequest((client.user + client.system) / 1000), peakRssMb: maxRssBytes / 2 ** 20 };
}

/**
 * Sends every prepared request once and checks what a benchmark must not hide: status 200, a body
 * Plain's schema accepts, one card per requested key, and no error card. Returns the response bodies.
 */
async function validateCards(url: string, requests: Prepared[]): Promise<string[]> {
  return mapConcurrently(requests, 8, async (prepared) => {
    const response = await post(url, prepared);
    const text = await response.text();
    const parsed = CardsResponse.safeParse(JSON.parse(text));
    const keys = new Set((JSON.parse(prepared.body) as { cardKeys: string[] }).cardKeys);
    if (response.status !== 200 || !parsed.success || parsed.data.cards.length !== keys.size || ERROR_CARD.test(text)) {
      throw new Error(`expected a valid 200 with ${keys.size} cards and no error card for ${prepared.body}, received ${response.status}: ${text.slice(0, 500)}`);
    }
    return text;
  });
}

/** Every naive request must answer 200 with data for the customer and no GraphQL errors. */
async function validateGraphql(url: string, groups: string[][], headers: Record<string, string>): Promise<void> {
  await mapConcurrently(groups.flat(), 8, async (body) => {
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    const result = JSON.parse(text) as { data?: { customer?: unknown }; errors?: unknown };
    if (response.status !== 200 || result.errors || !result.data?.customer) {
      throw new Error(`expected GraphQL data for ${body}, received ${response.status}: ${text.slice(0, 500)}`);
    }
  });
}

function post(url: string, { body, headers }: Prepared): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body });
}

async function mapConcurrently<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

type Report = Partial<Record<'limit' | 'cardql' | 'naive' | 'ceiling', Row>> & {
  scaling: Row[];
  memory: { row: Row; before: number; after: number; peak: number; trace: number[] } | undefined;
  outcomes: Map<string, number> | undefined;
};

/** Cards answered per outcome (ok, no-data, error, timeout) by the cardql servers, summed from their /metrics; undefined if unreadable. */
async function cardOutcomes(urls: string[]): Promise<Map<string, number> | undefined> {
  const totals = new Map<string, number>();
  try {
    for (const url of urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const match of text.matchAll(/^cardql_card_results_total\{[^}]*outcome="([^"]+)"[^}]*\} (\d+)/gm)) {
        totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + Number(match[2]));
      }
    }
  } catch {
    return undefined;
  }
  return totals.size > 0 ? totals : undefined;
}

/** Prints the machine, the table (markdown) and one PASS/FAIL line per target that this run measured. */
function report({ limit, cardql, naive, ceiling, scaling, memory, outcomes }: Report): void {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const out: string[] = [];
  out.push(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString()}`);
  out.push(`load: ${connections} connections, ${durationS} s per row after a ${warmupS} s warm-up, ${customerCount} customers, NODE_ENV=production, signing on, LOG_LEVEL=info, cardql run as \`node ${[...nodeArgs, ...(compiled ? [] : ['--import', 'tsx']), server].join(' ')}\``);
  out.push('');
  out.push('| row | cards | req/s | p50 ms | p99 ms | server CPU ms/req | client CPU ms/req | peak RSS MB | SQL/req | failures |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const line = (row: Row) =>
    out.push(
      `| ${row.name} | ${row.cards} | ${row.load.rps.toFixed(0)} | ${row.load.p50.toFixed(2)} | ${row.load.p99.toFixed(2)} | ${row.cpuMsPerRequest.toFixed(3)} | ${row.clientCpuMsPerRequest.toFixed(3)} | ${row.peakRssMb.toFixed(0)} | ${row.statements ? formatStatements(row.statements) : ''} | ${row.load.failures} |`,
    );
  for (const row of [limit, cardql, naive, ceiling, ...scaling, memory?.row]) if (row) line(row);
  if (memory) out.push(`\nmemory row: RSS ${mb(memory.before)} MB idle after start, ${memory.trace.map(mb).join(' → ')} MB every 10 s of load, ${mb(memory.after)} MB at the end; peak (VmHWM) ${mb(memory.peak)} MB`);

  const targets: Array<[string, boolean, string]> = [];
  if (cardql && limit) {
    const ratio = cardql.load.rps / limit.load.rps;
    targets.push(['throughput ≥ 50% of the limit', ratio >= 0.5, `${(ratio * 100).toFixed(0)}% (${cardql.load.rps.toFixed(0)} / ${limit.load.rps.toFixed(0)} req/s)`]);
  }
  if (cardql && naive) {
    const ratio = cardql.load.rps / naive.load.rps;
    targets.push(['throughput ≥ 3× the naive alternative', ratio >= 3, `${ratio.toFixed(2)}× (${cardql.load.rps.toFixed(0)} / ${naive.load.rps.toFixed(0)} Plain req/s)`]);
  }
  if (cardql) targets.push([`p99 < ${P99_TARGET_MS} ms at ${connections} connections`, cardql.load.p99 < P99_TARGET_MS, `${cardql.load.p99.toFixed(2)} ms`]);
  if (memory) {
    const judged = rssDurationS >= 60;
    targets.push([
      `RSS < ${RSS_TARGET_MB} MB after 60 s of load`,
      judged && memory.after / 2 ** 20 < RSS_TARGET_MB,
      `${mb(memory.after)} MB after ${rssDurationS} s (peak ${mb(memory.peak)} MB)${judged ? '' : ' (not judged: the run was shorter than 60 s)'}`,
    ]);
  }
  if (scaling.length === 3 && scaling.every((row) => row.statements)) {
    const [one, six, many] = scaling.map((row) => row.statements!) as [StatementCounts, StatementCounts, StatementCounts];
    const ok = many.max <= six.max && six.max <= LOADER_COUNT && one.max <= six.max;
    targets.push([
      'SQL statements per request independent of the number of cards',
      ok,
      `max ${one.max} / ${six.max} / ${many.max} for 1 / 6 / 25 cards (bound: ${LOADER_COUNT} loaders)`,
    ]);
  }
  const rowsFailed = [limit, cardql, naive, ceiling, ...scaling, memory?.row].filter((row) => row && row.load.failures > 0);
  targets.push(['every measured request answered 200', rowsFailed.length === 0, rowsFailed.length ? rowsFailed.map((row) => row!.name).join(', ') : 'all rows']);
  if (outcomes) {
    const failed = (outcomes.get('error') ?? 0) + (outcomes.get('timeout') ?? 0);
    targets.push(['no error or timeout card in any answer (cardql /metrics)', failed === 0, [...outcomes].map(([outcome, count]) => `${outcome} ${count}`).join(', ')]);
  } else {
    out.push('\n(card outcomes not checked: /metrics could not be read)');
  }
  out.push('');
  for (const [name, ok, figure] of targets) out.push(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${figure}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (targets.some(([, ok]) => !ok)) process.exitCode = 1;
}

function formatStatements({ min, mean, max }: StatementCounts): string {
  return min === max ? String(max) : `${mean.toFixed(1)} (${min}–${max})`;
}

function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) fail(`--${name}: expected a positive number, received ${JSON.stringify(value)}`);
  return number;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
