// `npm run bench`: cardql against a handwritten server doing the same work without GraphQL (the limit),
// a competent peer, and itself in remote mode; every figure a ratio measured in the same run, rounds
// interleaved, medians with their spread. How to run and read it: docs/performance.md.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { cardRequests, graphqlGroups, pickCustomers, readQueries, type Prepared } from './fixtures.ts';
import { DEMO_KEYS, MAX_KEYS, SINGLE_KEY, writeCardFolder } from './fixture-cards.ts';
import { runAutocannon, runGroups, runOpenLoop, type LoadResult, type OpenLoopResult } from './load.ts';
import { freePort, readCpuMs, readMemory, sleep, startChild, type Child } from './processes.ts';

const SYSTEMS = ['handwritten', 'cardql', 'peer', 'remote', 'naive'] as const;
type System = (typeof SYSTEMS)[number];

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '32' },
    customers: { type: 'string', default: '500' },
    rates: { type: 'string', default: '200,400,800' },
    systems: { type: 'string', default: SYSTEMS.join(',') },
    cards: { type: 'string', default: `1,${DEMO_KEYS.length},${MAX_KEYS}` },
    'no-open-loop': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'node-args': { type: 'string' },
    'server-output': { type: 'string' },
    'cardql-env': { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench -- [options]
  --rounds <n>         interleaved rounds; every figure is the median over them (default 5; --quick: 2)
  --duration <s>       seconds per system per round (default 6; --quick: 2)
  --connections <n>    concurrent Plain requests of the closed-loop rows (default 32)
  --customers <n>      distinct seeded customers the requests rotate over (default 500)
  --rates <list>       open-loop rates in Plain requests per second (default 200,400,800)
  --systems <list>     of ${SYSTEMS.join(',')} (default all)
  --cards <list>       cards per request of the closed-loop rows (default 1,6,25)
  --no-open-loop       skip the open-loop and 1-connection rows
  --cpu-prof <dir>     write V8 CPU profiles of the cardql servers (local and remote) into <dir>
  --node-args=<args>   node flags for cardql (default: those of \`npm start\`)
  --server-output <file>  keep the local cardql server's stdout (its logs, and what flags such as --trace-gc-nvp print)
  --cardql-env NAME=VALUE  an environment variable of the cardql servers (repeatable), e.g. CARDQL_STALE_MAX_AGE_SECONDS=0
  --quick              a short smoke run
`);
  process.exit(0);
}

const quick = flags.quick;
const rounds = positive('rounds', flags.rounds ?? (quick ? '2' : '5'));
const durationS = positive('duration', flags.duration ?? (quick ? '2' : '6'));
const connections = positive('connections', flags.connections);
const customerCount = positive('customers', flags.customers);
const rates = flags.rates.split(',').map((rate) => positive('rates', rate));
const systems = new Set(flags.systems.split(',').map((s) => s.trim()));
for (const system of systems) if (!(SYSTEMS as readonly string[]).includes(system)) fail(`--systems: expected a list of ${SYSTEMS.join(', ')}, received "${system}"`);
const cardCounts = flags.cards.split(',').map((n) => positive('cards', n));
for (const n of cardCounts) if (![1, DEMO_KEYS.length, MAX_KEYS].includes(n)) fail(`--cards: expected 1, ${DEMO_KEYS.length} or ${MAX_KEYS}, received ${n}`);
const has = (system: System) => systems.has(system) || (system === 'cardql' && (systems.has('remote') || systems.has('naive')));

/** The server's core and the load generator's: never the same one, so the generator does not steal the server's CPU. */
const SERVER_CPU = 0;
const CLIENT_CPU = 1;
const TARGETS = { cpuRatio: 1.33, remoteCpuRatio: 1.2, remoteAddedP50Ms: 0.5, rssMb: 120, openLoopRate: 400, openLoopP99Ms: 3 };
const ERROR_CARD = /This card (couldn't be loaded|took too long to load)\. Reference:/;
const databasePath = resolve('data/cardql.sqlite');
const secret = randomBytes(16).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const upstreamToken = randomBytes(16).toString('hex');
const passEnv = Object.fromEntries(['HOME', 'TMPDIR'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
const start = startCommand();
const nodeArgs = flags['node-args'] !== undefined ? flags['node-args'].split(/\s+/).filter(Boolean) : start.nodeArgs;
const profile = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(flags['cpu-prof'])}`] : [];

const children: Child[] = [];
const temporary: string[] = [];
let recorder: Server | undefined;
try {
  await main();
} finally {
  recorder?.close();
  await Promise.all(children.map((child) => child.stop()));
  for (const path of temporary) rmSync(path, { recursive: true, force: true });
}

type Cell = { system: System | 'direct'; cards: number; rps: number; p50: number; p99: number; cpu: number; upstreamCpu?: number; failures: number };

async function main(): Promise<void> {
  pinSelf();
  log(`preparing: ${customerCount} customers from ${databasePath}`);
  const customers = pickCustomers(databasePath, customerCount);
  build();
  const local = writeCardFolder(MAX_KEYS);
  const remote = writeCardFolder(MAX_KEYS, { source: 'demo' });
  temporary.push(dirname(local.queriesDir), dirname(remote.queriesDir));
  const queriesFile = join(dirname(local.queriesDir), 'queries.json');
  writeFileSync(queriesFile, JSON.stringify(Object.fromEntries(local.queries)));
  const requestSets = new Map<number, Prepared[]>([
    [1, cardRequests(customers, [SINGLE_KEY], secret)],
    [DEMO_KEYS.length, cardRequests(customers, DEMO_KEYS, secret)],
    [MAX_KEYS, cardRequests(customers, local.keys, secret)],
  ]);
  const six = requestSets.get(DEMO_KEYS.length)!;

  log(`starting the servers on CPU ${SERVER_CPU}; this load generator runs on CPU ${CLIENT_CPU}`);
  const benchEnv = { ...passEnv, BENCH_DATABASE: databasePath, BENCH_SECRET: secret, BENCH_CARDS_DIR: local.cardsDir, BENCH_QUERIES: queriesFile };
  const cardqlEnv = { ...passEnv, NODE_ENV: 'production', CARDQL_SIGNING_SECRET: secret, CARDQL_ADMIN_TOKEN: adminToken, CARDQL_DATABASE: databasePath, LOG_LEVEL: 'info', ...extraEnv() };
  const cardsReady = async (url: string) => (await post(`${url}/cards`, six[0]!)).status === 200;
  const servers = new Map<System | 'upstream', Child>();
  const launch = async (name: System | 'upstream', script: string, env: Record<string, string>, args: string[], ready: (url: string) => Promise<boolean>) => {
    const stdout = name === 'cardql' ? flags['server-output'] : undefined;
    const child = await startChild({ name, script, env, port: await freePort(), nodeArgs: args, ready, pin: SERVER_CPU, ...(stdout && { stdout }) });
    children.push(child);
    servers.set(name, child);
    return child;
  };
  if (has('handwritten')) await launch('handwritten', 'bench/handwritten-server.ts', benchEnv, [], cardsReady);
  if (has('peer')) await launch('peer', 'bench/peer-server.ts', benchEnv, [], cardsReady);
  if (has('cardql')) await launch('cardql', start.entry, { ...cardqlEnv, CARDQL_QUERIES_DIR: local.queriesDir, CARDQL_CARDS_DIR: local.cardsDir }, [...nodeArgs, ...profile], cardsReady);
  let sourcesFile = '';
  if (has('remote')) {
    // The upstream reads the same database file, so that remote answers can be compared with local ones.
    const upstream = await launch('upstream', 'src/demo-upstream/main.ts', { ...passEnv, DEMO_UPSTREAM_DATABASE: databasePath, DEMO_UPSTREAM_TOKEN: upstreamToken, LOG_LEVEL: 'warn' }, [], async (url) =>
      (await fetch(`${url}/graphql?query=%7B__typename%7D`, { headers: { authorization: `Bearer ${upstreamToken}` } })).ok,
    );
    sourcesFile = join(dirname(remote.queriesDir), 'sources.json');
    writeSources(sourcesFile, `${upstream.url}/graphql`);
    await launch('remote', start.entry, remoteEnv(cardqlEnv, remote, sourcesFile), [...nodeArgs, ...profile], cardsReady);
  }

  log('checking every system answers every prepared request as cardql does (and cardql with valid cards, no error card)');
  for (const cards of cardCounts) await validate(servers, requestSets.get(cards)!);

  const direct = has('remote') && !flags['no-open-loop'] ? await captureMergedOperations(cardqlEnv, remote, six.slice(0, 100), servers.get('upstream')!.url) : undefined;

  const naiveGroups = graphqlGroups(customers, readQueries('queries', DEMO_KEYS));
  const graphqlHeaders = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${adminToken}` };
  type Job = { system: System; cards: number; run: (seconds: number) => Promise<LoadResult> };
  const jobs: Job[] = [];
  for (const cards of cardCounts) {
    for (const system of ['handwritten', 'cardql', 'peer', 'remote'] as const) {
      const server = servers.get(system);
      if (!server || !systems.has(system)) continue;
      jobs.push({ system, cards, run: (seconds) => runAutocannon({ url: `${server.url}/cards`, connections, durationS: seconds, requests: requestSets.get(cards)! }) });
    }
    if (cards === DEMO_KEYS.length && systems.has('naive')) {
      const server = servers.get('cardql')!;
      jobs.push({ system: 'naive', cards, run: (seconds) => runGroups({ url: `${server.url}/graphql`, connections, durationS: seconds, groups: naiveGroups, headers: graphqlHeaders }) });
    }
  }

  log(`warming up: ${jobs.length} rows, 1 s each`);
  for (const job of jobs) await job.run(1);
  const closed: Cell[][] = [];
  for (let round = 0; round < rounds; round++) {
    const order = rotate(jobs, round);
    const cells: Cell[] = [];
    for (const job of order) {
      const target = servers.get(job.system === 'naive' ? 'cardql' : job.system)!;
      const upstream = job.system === 'remote' ? servers.get('upstream') : undefined;
      const [cpu0, up0] = [readCpuMs(target.pid), upstream ? readCpuMs(upstream.pid) : 0];
      const result = await job.run(durationS);
      const [cpu1, up1] = [readCpuMs(target.pid), upstream ? readCpuMs(upstream.pid) : 0];
      const n = Math.max(1, result.completed);
      cells.push({ system: job.system, cards: job.cards, rps: result.rps, p50: result.p50, p99: result.p99, cpu: (cpu1 - cpu0) / n, ...(upstream && { upstreamCpu: (up1 - up0) / n }), failures: result.failures });
      log(`round ${round + 1}/${rounds} ${job.system} ${job.cards} cards: ${result.rps.toFixed(0)} req/s, CPU ${((cpu1 - cpu0) / n).toFixed(3)} ms/req, p99 ${result.p99.toFixed(1)} ms`);
      await sleep(200);
    }
    closed.push(cells);
  }

  const oneConnection: Cell[][] = [];
  const openLoop: Array<{ system: System; result: OpenLoopResult }> = [];
  if (!flags['no-open-loop']) {
    if (direct) {
      const remoteServer = servers.get('remote')!;
      const upstream = servers.get('upstream')!;
      for (let round = 0; round < rounds; round++) {
        const cells: Cell[] = [];
        for (const which of rotate(['remote', 'direct'] as const, round)) {
          const target = which === 'remote' ? remoteServer : upstream;
          const requests = which === 'remote' ? six.slice(0, direct.length) : direct;
          const cpu0 = readCpuMs(target.pid);
          const result = await runAutocannon({ url: which === 'remote' ? `${remoteServer.url}/cards` : `${upstream.url}/graphql`, connections: 1, durationS, requests });
          const n = Math.max(1, result.completed);
          cells.push({ system: which, cards: DEMO_KEYS.length, rps: result.rps, p50: result.p50, p99: result.p99, cpu: (readCpuMs(target.pid) - cpu0) / n, failures: result.failures });
        }
        log(`round ${round + 1}/${rounds} 1 connection: remote p50 ${cells.find((c) => c.system === 'remote')!.p50.toFixed(2)} ms, upstream direct p50 ${cells.find((c) => c.system === 'direct')!.p50.toFixed(2)} ms`);
        oneConnection.push(cells);
      }
    }
    const openSystems = (['handwritten', 'cardql', 'remote'] as const).filter((s) => servers.has(s) && systems.has(s));
    for (const rate of rates) {
      for (let round = 0; round < Math.min(rounds, 3); round++) {
        for (const system of rotate(openSystems, round)) {
          const result = await runOpenLoop({ url: `${servers.get(system)!.url}/cards`, rate, durationS: Math.max(3, durationS), requests: six });
          openLoop.push({ system, result });
          log(`open loop ${rate} req/s ${system}: p50 ${result.p50.toFixed(2)} p99 ${result.p99.toFixed(2)} ms, ${result.failures} failures`);
          await sleep(200);
        }
      }
    }
  }

  const cardqlServer = servers.get('cardql');
  const memory = cardqlServer ? readMemory(cardqlServer.pid) : undefined;
  const outcomes = await cardOutcomes([servers.get('cardql'), servers.get('remote')].flatMap((s) => (s ? [s.url] : [])));
  report({ closed, oneConnection, openLoop, memory, outcomes });
}

/** `--cardql-env NAME=VALUE`, each one. */
function extraEnv(): Record<string, string> {
  return Object.fromEntries(
    (flags['cardql-env'] ?? []).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) fail(`--cardql-env: expected NAME=VALUE, received "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function remoteEnv(cardqlEnv: Record<string, string>, folder: { queriesDir: string; cardsDir: string }, sourcesFile: string): Record<string, string> {
  return { ...cardqlEnv, CARDQL_QUERIES_DIR: folder.queriesDir, CARDQL_CARDS_DIR: folder.cardsDir, CARDQL_SOURCES: sourcesFile, DEMO_UPSTREAM_TOKEN: upstreamToken };
}

function writeSources(file: string, url: string): void {
  writeFileSync(file, JSON.stringify({ demo: { url, schema: resolve('schemas/demo.graphql'), headers: { Authorization: 'Bearer ${DEMO_UPSTREAM_TOKEN}' }, timeoutMs: 5000 } }));
}

/**
 * The merged operation cardql sends upstream for each of `requests`, recorded by a forwarding proxy in
 * this process in front of a throwaway cardql: the upstream-direct row sends exactly these bodies.
 */
async function captureMergedOperations(cardqlEnv: Record<string, string>, folder: { queriesDir: string; cardsDir: string }, requests: Prepared[], upstreamUrl: string): Promise<Prepared[]> {
  log('recording the merged operations cardql sends upstream, for the upstream-direct row');
  const bodies: string[] = [];
  recorder = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      const answer = await fetch(`${upstreamUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${upstreamToken}` }, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(await answer.text());
    });
  });
  recorder.listen(0, '127.0.0.1');
  await once(recorder, 'listening');
  const sourcesFile = join(dirname(folder.queriesDir), 'sources-recorded.json');
  writeSources(sourcesFile, `http://127.0.0.1:${(recorder.address() as { port: number }).port}/graphql`);
  const capture = await startChild({ name: 'cardql-capture', script: start.entry, env: remoteEnv(cardqlEnv, folder, sourcesFile), port: await freePort(), nodeArgs, ready: async () => true });
  try {
    for (let i = 0; ; i++) {
      if ((await post(`${capture.url}/cards`, requests[0]!).catch(() => undefined))?.status === 200) break;
      if (i > 100) throw new Error('the capture cardql did not answer');
      await sleep(100);
    }
    bodies.length = 0;
    for (const prepared of requests) {
      const before = bodies.length;
      if ((await post(`${capture.url}/cards`, prepared)).status !== 200 || bodies.length !== before + 1) throw new Error(`expected one merged upstream request for ${prepared.body}, received ${bodies.length - before}`);
    }
  } finally {
    await capture.stop();
    recorder.close();
    recorder = undefined;
  }
  return bodies.map((body) => ({ body, headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${upstreamToken}` } }));
}

/** cardql's answers must be valid 200s with no error card; every other system's must equal them. */
async function validate(servers: Map<string, Child>, requests: Prepared[]): Promise<void> {
  const reference = servers.get('cardql');
  if (!reference) return;
  for (const prepared of requests.slice(0, 100)) {
    const response = await post(`${reference.url}/cards`, prepared);
    const text = await response.text();
    const expected = JSON.parse(text) as unknown;
    const keys = new Set((JSON.parse(prepared.body) as { cardKeys: string[] }).cardKeys);
    const parsed = CardsResponse.safeParse(expected);
    if (response.status !== 200 || !parsed.success || parsed.data.cards.length !== keys.size || ERROR_CARD.test(text)) {
      throw new Error(`expected a valid 200 with ${keys.size} cards and no error card for ${prepared.body}, received ${response.status}: ${text.slice(0, 500)}`);
    }
    for (const name of ['handwritten', 'peer', 'remote']) {
      const server = servers.get(name);
      if (!server) continue;
      const other = await post(`${server.url}/cards`, prepared);
      const answer = (await other.json()) as unknown;
      if (other.status !== 200 || !isDeepStrictEqual(answer, expected)) {
        throw new Error(`${name} answered ${prepared.body} differently from cardql:\n${JSON.stringify(answer).slice(0, 1500)}\n---\n${text.slice(0, 1500)}`);
      }
    }
  }
}

type Report = { closed: Cell[][]; oneConnection: Cell[][]; openLoop: Array<{ system: System; result: OpenLoopResult }>; memory: ReturnType<typeof readMemory> | undefined; outcomes: Map<string, number> | undefined };

function report({ closed, oneConnection, openLoop, memory, outcomes }: Report): void {
  const out: string[] = [];
  out.push(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString()}`);
  out.push(`servers on CPU ${SERVER_CPU}, load generator on CPU ${CLIENT_CPU}; ${rounds} interleaved rounds × ${durationS} s per row, ${connections} connections, ${customerCount} customers; cardql: \`node ${nodeArgs.join(' ')} ${start.entry}\`, NODE_ENV=production, signing on, LOG_LEVEL=info`);
  out.push('figures: median over the rounds [min–max]; ratios: median of the per-round ratios to the handwritten row of the same round');
  out.push('');
  out.push('| system | cards | req/s | req/s ratio | server CPU ms/req | CPU ratio | p50 ms | p99 ms | failures |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const names: Record<string, string> = {
    handwritten: 'handwritten: node:http + better-sqlite3, same SQL and mappers (limit)',
    cardql: 'cardql POST /cards',
    peer: 'peer: thin /cards + graphql-yoga, one batched request',
    remote: 'cardql, remote mode (demo upstream; upstream CPU apart)',
    naive: 'naive: 6 × POST /graphql',
  };
  const cpuRatio = new Map<string, number>();
  const rpsRatio = new Map<string, number>();
  for (const cards of cardCounts) {
    for (const system of ['handwritten', 'cardql', 'peer', 'remote', 'naive'] as const) {
      const cells = closed.flatMap((round) => round.filter((c) => c.system === system && c.cards === cards));
      if (cells.length === 0) continue;
      const perRound = (value: (c: Cell) => number, base: (c: Cell) => number) =>
        closed.flatMap((round) => {
          const mine = round.find((c) => c.system === system && c.cards === cards);
          const hand = round.find((c) => c.system === 'handwritten' && c.cards === cards);
          return mine && hand ? [value(mine) / base(hand)] : [];
        });
      const rr = perRound((c) => c.rps, (c) => c.rps);
      const cr = perRound((c) => c.cpu, (c) => c.cpu);
      if (cr.length) cpuRatio.set(`${system}/${cards}`, median(cr));
      if (rr.length) rpsRatio.set(`${system}/${cards}`, median(rr));
      const upstream = cells.some((c) => c.upstreamCpu !== undefined) ? ` (+ upstream ${spread(cells.map((c) => c.upstreamCpu!), 3)})` : '';
      out.push(
        `| ${names[system]} | ${cards} | ${spread(cells.map((c) => c.rps), 0)} | ${rr.length ? spread(rr, 2) : ''} | ${spread(cells.map((c) => c.cpu), 3)}${upstream} | ${cr.length ? spread(cr, 2) : ''} | ${spread(cells.map((c) => c.p50), 1)} | ${spread(cells.map((c) => c.p99), 1)} | ${cells.reduce((n, c) => n + c.failures, 0)} |`,
      );
    }
  }
  const remoteLocal = new Map<number, number>();
  for (const cards of cardCounts) {
    const ratios = closed.flatMap((round) => {
      const r = round.find((c) => c.system === 'remote' && c.cards === cards);
      const l = round.find((c) => c.system === 'cardql' && c.cards === cards);
      return r && l ? [r.cpu / l.cpu] : [];
    });
    if (ratios.length) remoteLocal.set(cards, median(ratios));
  }
  if (remoteLocal.size) out.push(`\nremote mode's own CPU per request ÷ local mode's, same round: ${[...remoteLocal].map(([cards, r]) => `${r.toFixed(2)}× at ${cards} card${cards === 1 ? '' : 's'}`).join(', ')}`);

  let addedP50: number | undefined;
  if (oneConnection.length) {
    const diffs = oneConnection.map((round) => round.find((c) => c.system === 'remote')!.p50 - round.find((c) => c.system === 'direct')!.p50);
    addedP50 = median(diffs);
    const cells = (system: string) => oneConnection.map((round) => round.find((c) => c.system === system)!);
    out.push('\n1 connection, 6 cards: cardql remote vs the upstream called directly with the same merged operation');
    out.push('| path | req/s | p50 ms | p99 ms | CPU ms/req of the process called |');
    out.push('| --- | ---: | ---: | ---: | ---: |');
    for (const [system, name] of [['remote', 'Plain → cardql → upstream'], ['direct', 'the merged operation → upstream']] as const) {
      const c = cells(system);
      out.push(`| ${name} | ${spread(c.map((x) => x.rps), 0)} | ${spread(c.map((x) => x.p50), 2)} | ${spread(c.map((x) => x.p99), 2)} | ${spread(c.map((x) => x.cpu), 3)} |`);
    }
    out.push(`added p50: ${spread(diffs, 2)} ms`);
  }

  const openP99 = new Map<string, number>();
  if (openLoop.length) {
    out.push('\nopen loop, 6 cards, fixed rate, latency from each request\'s intended send time');
    out.push('| system | rate req/s | p50 ms | p99 ms | p99.9 ms | max ms | failures |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const rate of rates) {
      for (const system of ['handwritten', 'cardql', 'remote'] as const) {
        const runs = openLoop.filter((o) => o.system === system && o.result.rate === rate).map((o) => o.result);
        if (!runs.length) continue;
        openP99.set(`${system}/${rate}`, median(runs.map((r) => r.p99)));
        out.push(`| ${names[system]} | ${rate} | ${spread(runs.map((r) => r.p50), 2)} | ${spread(runs.map((r) => r.p99), 2)} | ${spread(runs.map((r) => r.p999), 2)} | ${spread(runs.map((r) => r.max), 1)} | ${runs.reduce((n, r) => n + r.failures, 0)} |`);
      }
    }
  }
  if (memory) out.push(`\ncardql RSS at the end of the run: ${(memory.rssBytes / 2 ** 20).toFixed(0)} MB, peak (VmHWM) ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MB`);

  const targets: Array<[string, boolean, string]> = [];
  for (const cards of cardCounts) {
    const ratio = cpuRatio.get(`cardql/${cards}`);
    if (ratio !== undefined) targets.push([`cardql CPU per request ≤ ${TARGETS.cpuRatio}× handwritten, ${cards} card${cards === 1 ? '' : 's'}`, ratio <= TARGETS.cpuRatio, `${ratio.toFixed(2)}×`]);
  }
  const remoteRatio = remoteLocal.get(DEMO_KEYS.length);
  if (remoteRatio !== undefined) targets.push([`remote mode's own CPU ≤ ${TARGETS.remoteCpuRatio}× local mode's, 6 cards`, remoteRatio <= TARGETS.remoteCpuRatio, `${remoteRatio.toFixed(2)}×`]);
  if (addedP50 !== undefined) targets.push([`remote mode adds ≤ ${TARGETS.remoteAddedP50Ms} ms p50 at 1 connection`, addedP50 <= TARGETS.remoteAddedP50Ms, `${addedP50.toFixed(2)} ms`]);
  if (memory) targets.push([`cardql RSS < ${TARGETS.rssMb} MB`, memory.peakRssBytes / 2 ** 20 < TARGETS.rssMb, `peak ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MB`]);
  const open = openP99.get(`cardql/${TARGETS.openLoopRate}`);
  if (open !== undefined) targets.push([`cardql open-loop p99 at ${TARGETS.openLoopRate} req/s ≤ ${TARGETS.openLoopP99Ms} ms`, open <= TARGETS.openLoopP99Ms, `${open.toFixed(2)} ms`]);
  const failed = closed.flat().reduce((n, c) => n + c.failures, 0) + openLoop.reduce((n, o) => n + o.result.failures, 0);
  targets.push(['every measured request answered 200', failed === 0, `${failed} failures`]);
  if (outcomes) {
    const bad = (outcomes.get('error') ?? 0) + (outcomes.get('timeout') ?? 0);
    targets.push(['no error or timeout card (cardql /metrics)', bad === 0, [...outcomes].map(([o, n]) => `${o} ${n}`).join(', ')]);
  }
  out.push('');
  for (const [name, ok, figure] of targets) out.push(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${figure}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (targets.some(([, ok]) => !ok)) process.exitCode = 1;
}

/** Cards answered per outcome, summed from the cardql servers' /metrics; undefined if unreadable. */
async function cardOutcomes(urls: string[]): Promise<Map<string, number> | undefined> {
  const totals = new Map<string, number>();
  try {
    for (const url of urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const match of text.matchAll(/^cardql_card_results_total\{[^}]*outcome="([^"]+)"[^}]*\} (\d+)/gm)) totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + Number(match[2]));
    }
  } catch {
    return undefined;
  }
  return totals.size > 0 ? totals : undefined;
}

/** This process (the load generator) on its own CPU, apart from the servers'. */
function pinSelf(): void {
  const pinned = spawnSync('taskset', ['-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });
  if (pinned.status !== 0) log(`could not pin the load generator to CPU ${CLIENT_CPU} (taskset: ${pinned.error?.message ?? `exit ${pinned.status}`}); figures will be noisier`);
}

/** The node flags and entry point of `npm start`, so that the bench measures what users run. */
function startCommand(): { nodeArgs: string[]; entry: string } {
  const script = (JSON.parse(spawnSync('npm', ['pkg', 'get', 'scripts.start'], { encoding: 'utf8' }).stdout) as string) ?? '';
  const match = /^(?:exec\s+)?node((?:\s+--[\w-]+(?:=\S+)?)*)\s+(\S+\.js)$/.exec(script);
  if (!match) fail(`package.json: expected the start script to be "[exec] node [flags] <entry>.js", received "${script}"`);
  return { nodeArgs: match[1]!.split(/\s+/).filter(Boolean), entry: match[2]! };
}

function build(): void {
  log('building (npm run build, as npm start does)');
  const built = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) fail(`npm run build failed (${built.error?.message ?? `exit ${built.status}`})`);
}

function post(url: string, { body, headers }: Prepared): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body });
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length ? by % items.length : 0;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function spread(values: number[], digits: number): string {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return 'n/a';
  const f = (v: number) => v.toFixed(digits);
  return finite.length === 1 ? f(finite[0]!) : `${f(median(finite))} [${f(Math.min(...finite))}–${f(Math.max(...finite))}]`;
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

