// `npm run deadline:load`: is every answer in by the deadline + 100 ms, the first ones after a cold start included, with 32 connections on hung sources?
// The compiled server (as `npm start` runs it) on one CPU, this load generator and a loopback upstream that accepts
// connections and never answers on the other. Every answer's latency counts from its send time. Exit 1 when an
// answer comes later than the deadline + 100 ms, never comes, or is not a 200 with every card. docs/operations.md.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createConnection, createServer, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeCardFolder, DEMO_KEYS } from '../bench/fixture-cards.ts';
import { cardRequests, pickCustomers, type Prepared } from '../bench/fixtures.ts';
import { freePort, startChild, type Child } from '../bench/processes.ts';

/** Hung where: `remote`, a remote source whose upstream never answers; `local`, an in-process resolver that never returns. */
type Variant = 'remote' | 'local';
type Answer = { connection: number; nth: number; sentAt: number; ms: number; status: number | 'unanswered'; cards: number };
/** How long the server waited for a CPU (/proc/<pid>/schedstat) during the first wave and after it, against the time each lasted. */
type CpuWait = { firstWave: { waitedMs: number; ofMs: number }; after: { waitedMs: number; ofMs: number } };
/** The same of this load generator: a late answer may be one it read late. */
type Driver = { loopDelayMaxMs: number; waitedMs: number; ofMs: number };
type Run = { variant: Variant; deadlineMs: number; answers: Answer[]; loopDelayMs: { firstWave: number; after: number }; cpuWait: CpuWait | undefined; driver: Driver | undefined; load: [number, number]; pressure: [string, string];
  /** Each request's durationMs as the server logged it: from the handler's first line to the reply ready to write. */
  serverMs: number[];
};

/** How late an answer may be: the time it takes to travel back through a loaded machine. */
const SLACK_MS = 100;
const SECRET = 'deadline-load-secret';
const ENTRY = 'dist/src/index.js';
const DATABASE = resolve('data/cardql.sqlite');
const SERVER_CPU = 1;
const CLIENT_CPU = 0;

const { values: flags } = parseArgs({
  options: {
    deadlines: { type: 'string', default: '1000,13000' },
    variants: { type: 'string', default: 'remote,local' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    repeat: { type: 'string', default: '1' },
    /** Passed to the server's node, e.g. `--node-arg=--cpu-prof`. */
    'node-arg': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write('npm run deadline:load -- [--deadlines 1000,13000] [--variants remote,local] [--seconds 15] [--connections 32] [--repeat 1] [--node-arg=--cpu-prof]\n');
  process.exit(0);
}
const deadlines = flags.deadlines.split(',').map(Number);
const variants = flags.variants.split(',') as Variant[];
const seconds = Number(flags.seconds);
const connections = Number(flags.connections);
if (!existsSync(ENTRY)) {
  process.stderr.write(`${ENTRY} is missing: run \`npm run build\` first (the script measures the compiled server, as \`npm start\` runs it)\n`);
  process.exit(2);
}
const pinned = cpus().length >= 2 && spawnSync('taskset', ['-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' }).status === 0;
process.stdout.write(
  `deadline under load: ${connections} connections, ${seconds} s per run, node ${process.version}, ${cpus().length} CPUs; ` +
    (pinned ? `server on CPU ${SERVER_CPU}, load generator and hung upstream on CPU ${CLIENT_CPU}\n` : 'not pinned (no taskset or one CPU)\n'),
);

const customers = pickCustomers(DATABASE, 200);
const runs: Run[] = [];
for (let round = 0; round < Number(flags.repeat); round++) {
  for (const deadlineMs of deadlines) for (const variant of variants) runs.push(await measure(variant, deadlineMs));
}
const failures = runs.flatMap(judge);
process.stdout.write(failures.length === 0 ? `\nPASS: every answer a 200 within its deadline + ${SLACK_MS} ms\n` : `\nFAIL:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
process.exitCode = failures.length === 0 ? 0 : 1;

/** One run: a fresh server (cold), `connections` loops of signed requests for `seconds`, every answer timed. */
async function measure(variant: Variant, deadlineMs: number): Promise<Run> {
  const upstream = await hungUpstream();
  const { env, keys } = setUp(variant, deadlineMs, upstream.url);
  const requests = cardRequests(customers, keys, SECRET);
  const load: [number, number] = [loadavg()[0]!, 0];
  const pressure: [string, string] = [cpuPressure(), ''];
  const logFile = join(resolve(env.CARDQL_QUERIES_DIR!, '..'), 'server.log');
  const server = await startChild({
    name: 'cardql',
    script: ENTRY,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', CARDQL_SIGNING_SECRET: SECRET, CARDQL_DEADLINE_MS: String(deadlineMs), ...env },
    port: await freePort(),
    nodeArgs: ['--max-semi-space-size=4', '--heap-growing-percent=75', '--enable-source-maps', ...flags['node-arg']],
    // Listening is the signal: load balancers send traffic once the port accepts and /readyz says ready, and
    // a replica that is ready must be warm. Probed with a TCP connect, so that no request warms it first.
    ready: (url) => tcpAccepts(url),
    stdout: logFile,
    ...(pinned && { pin: SERVER_CPU }),
  });
  const loop = watchLoopDelay(server);
  const waits = [runQueueWait(server.pid)];
  const ownDelay = monitorEventLoopDelay({ resolution: 10 });
  ownDelay.enable();
  const ownWait = runQueueWait(process.pid);
  const answers = await fire(server.url, requests, deadlineMs, () => (loop.mark(), waits.push(runQueueWait(server.pid))));
  waits.push(runQueueWait(server.pid));
  ownDelay.disable();
  const ownWaitEnd = runQueueWait(process.pid);
  const driver = ownWait && ownWaitEnd ? { loopDelayMaxMs: ownDelay.max / 1e6, waitedMs: ownWaitEnd.waitedMs - ownWait.waitedMs, ofMs: ownWaitEnd.at - ownWait.at } : undefined;
  load[1] = loadavg()[0]!;
  pressure[1] = cpuPressure();
  const loopDelayMs = await loop.stop();
  const [start, firstWave, end] = waits;
  const cpuWait =
    start && firstWave && end
      ? { firstWave: { waitedMs: firstWave.waitedMs - start.waitedMs, ofMs: firstWave.at - start.at }, after: { waitedMs: end.waitedMs - firstWave.waitedMs, ofMs: end.at - firstWave.at } }
      : undefined;
  await server.stop(deadlineMs + 5_000);
  upstream.close();
  const run: Run = { variant, deadlineMs, answers, loopDelayMs, cpuWait, driver, load, pressure, serverMs: serverDurations(logFile) };
  report(run);
  return run;
}

/** Env and card keys for one variant: the 6 demo cards in-process, plus their copies on the hung remote source. */
function setUp(variant: Variant, deadlineMs: number, upstreamUrl: string): { env: Record<string, string>; keys: string[] } {
  const folder = writeCardFolder(DEMO_KEYS.length);
  const root = resolve(folder.queriesDir, '..');
  const local = join(root, 'local.mjs');
  // In-process data: the demo, with Customer.orders never returning in the `local` variant.
  writeFileSync(
    local,
    `import { openDemoData } from ${JSON.stringify(resolve('dist/src/demo/index.js'))};\n` +
      `export default async ({ config }) => {\n  const data = await openDemoData({ path: config.databasePath });\n` +
      (variant === 'local' ? `  return { ...data, resolvers: { ...data.resolvers, Customer: { ...data.resolvers.Customer, orders: () => new Promise(() => {}) } } };\n` : '  return data;\n') +
      '};\n',
  );
  const env: Record<string, string> = { CARDQL_QUERIES_DIR: folder.queriesDir, CARDQL_CARDS_DIR: folder.cardsDir, CARDQL_DATABASE: DATABASE, CARDQL_LOCAL_SOURCE: local };
  if (variant === 'local') return { env, keys: folder.keys };
  mkdirSync(join(folder.queriesDir, 'demo'));
  const remoteKeys = DEMO_KEYS.map((key) => `remote-${key}`);
  for (const key of DEMO_KEYS) {
    writeFileSync(join(folder.queriesDir, 'demo', `remote-${key}.graphql`), readFileSync(join(folder.queriesDir, `${key}.graphql`)));
    writeFileSync(join(folder.cardsDir, `remote-${key}.mjs`), readFileSync(join(folder.cardsDir, `${key}.mjs`)));
  }
  // The breaker and the concurrency limit would turn a hung source into fast failures: every call waits out the deadline here.
  const sources = { demo: { url: upstreamUrl, schema: resolve('schemas/demo.graphql'), timeoutMs: 13_000, breaker: { failures: 1000, halfOpenAfterMs: 100 }, concurrency: { max: 10_000, queue: 0 } } };
  writeFileSync(join(root, 'sources.json'), JSON.stringify(sources));
  return { env: { ...env, CARDQL_SOURCES: join(root, 'sources.json') }, keys: [...folder.keys, ...remoteKeys] };
}

/** A loopback "GraphQL server" that accepts connections, reads what comes and never answers. */
async function hungUpstream(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).on('error', () => {});
    socket.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Time the process has spent runnable but waiting for a CPU (schedstat's second field, ns), at `performance.now()`. */
function runQueueWait(pid: number): { waitedMs: number; at: number } | undefined {
  try {
    return { waitedMs: Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6, at: performance.now() };
  } catch {
    return undefined;
  }
}

/** The durations of the server's `cards request` log lines. */
function serverDurations(logFile: string): number[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"msg":"cards request"'))
    .map((line) => (JSON.parse(line) as { durationMs: number }).durationMs);
}

/** The share of the last 10 s in which some runnable task waited for a CPU, machine-wide (/proc/pressure/cpu), or `?`. */
function cpuPressure(): string {
  try {
    return `${/some avg10=(\S+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? '?'} %`;
  } catch {
    return '?';
  }
}

/** Whether something accepts TCP connections at `url`, without sending it a request. */
async function tcpAccepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => (socket.destroy(), done(true))).once('error', () => done(false));
  });
}

/** `connections` loops, each sending its next request when the last one is answered, until `seconds` are over. */
async function fire(url: string, requests: Prepared[], deadlineMs: number, firstWaveDone: () => void): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const answers: Answer[] = [];
  const started = performance.now();
  const endAt = started + seconds * 1000;
  let firstWave = connections;
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, connection) => {
      for (let nth = 0; nth === 0 || performance.now() < endAt; nth++) {
        const prepared = requests[next++ % requests.length]!;
        const sentAt = performance.now();
        const { status, cards } = await post(url, prepared, agent, deadlineMs + 5_000);
        answers.push({ connection, nth, sentAt: sentAt - started, ms: performance.now() - sentAt, status, cards });
        if (nth === 0 && --firstWave === 0) firstWaveDone();
      }
    }),
  );
  agent.destroy();
  return answers;
}

function post(url: string, { body, headers }: Prepared, agent: Agent, timeoutMs: number): Promise<{ status: number | 'unanswered'; cards: number }> {
  return new Promise((done) => {
    const sent = request(`${url}/cards`, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let cards = 0;
        try {
          cards = (JSON.parse(text) as { cards?: unknown[] }).cards?.length ?? 0;
        } catch {}
        done({ status: response.statusCode ?? 0, cards });
      });
    });
    sent.on('timeout', () => sent.destroy(new Error('unanswered')));
    sent.on('error', () => done({ status: 'unanswered', cards: 0 }));
    sent.end(body);
  });
}

/** The server's worst event-loop delay (prom-client's histogram, reset at every scrape) during the first wave and after it. */
function watchLoopDelay(server: Child) {
  const worst = { firstWave: 0, after: 0 };
  let phase: 'firstWave' | 'after' = 'firstWave';
  const scrape = async () => {
    const text = await fetch(`${server.url}/metrics`).then((r) => r.text(), () => '');
    const max = Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1] ?? 0) * 1000;
    worst[phase] = Math.max(worst[phase], max);
  };
  const timer = setInterval(() => void scrape(), 1_000);
  return {
    /** The first wave is answered: what the loop saw until now belongs to it. */
    mark() {
      void scrape().then(() => (phase = 'after'));
    },
    async stop() {
      clearInterval(timer);
      await scrape();
      return worst;
    },
  };
}

function report({ variant, deadlineMs, answers, loopDelayMs, cpuWait, driver, load, pressure, serverMs }: Run): void {
  const first = answers.filter((a) => a.nth === 0);
  const rest = answers.filter((a) => a.nth > 0);
  const line = (name: string, of: Answer[]) => {
    const sorted = of.map((a) => a.ms).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    const late = of.filter((a) => a.ms > deadlineMs + SLACK_MS).length;
    const off = (ms: number) => `${ms >= deadlineMs ? '+' : ''}${(ms - deadlineMs).toFixed(0)}`;
    return `    ${name.padEnd(10)} ${String(of.length).padStart(5)} answers  p50 ${off(at(0.5)).padStart(5)}  p99 ${off(at(0.99)).padStart(5)}  p100 ${off(sorted.at(-1) ?? NaN).padStart(5)} ms vs the deadline; ${late} over +${SLACK_MS} ms\n`;
  };
  const statuses = new Map<string, number>();
  for (const a of answers) statuses.set(String(a.status), (statuses.get(String(a.status)) ?? 0) + 1);
  process.stdout.write(
    `\n  ${variant} hung, deadline ${deadlineMs} ms; load average ${load[0].toFixed(1)} → ${load[1].toFixed(1)}, CPU pressure ${pressure[0]} → ${pressure[1]}; statuses ${[...statuses].map(([s, n]) => `${s}:${n}`).join(' ')}\n` +
      line('first wave', first) +
      line('after', rest) +
      `    server event-loop delay, worst: ${loopDelayMs.firstWave.toFixed(0)} ms during the first wave, ${loopDelayMs.after.toFixed(0)} ms after\n` +
      (cpuWait
        ? `    server runnable but waiting for a CPU: ${cpuWait.firstWave.waitedMs.toFixed(0)} ms of the first wave's ${cpuWait.firstWave.ofMs.toFixed(0)} ms, ${cpuWait.after.waitedMs.toFixed(0)} ms of the ${cpuWait.after.ofMs.toFixed(0)} ms after\n`
        : '') +
      `    as the server measured them (arrival in the handler to the reply ready): p100 ${serverMs.length === 0 ? '?' : `${(Math.max(...serverMs) - deadlineMs).toFixed(0)} ms vs the deadline`}, ${serverMs.filter((ms) => ms > deadlineMs).length} of ${serverMs.length} over it\n` +
      (driver ? `    load generator: event-loop delay worst ${driver.loopDelayMaxMs.toFixed(0)} ms, waiting for a CPU ${driver.waitedMs.toFixed(0)} ms of ${driver.ofMs.toFixed(0)} ms\n` : ''),
  );
}

function judge({ variant, deadlineMs, answers }: Run): string[] {
  const where = `${variant} hung, deadline ${deadlineMs} ms`;
  const problems: string[] = [];
  const late = answers.filter((a) => a.ms > deadlineMs + SLACK_MS);
  if (late.length > 0) problems.push(`${where}: ${late.length} of ${answers.length} answers later than the deadline + ${SLACK_MS} ms (latest +${(Math.max(...late.map((a) => a.ms)) - deadlineMs).toFixed(0)} ms)`);
  const unanswered = answers.filter((a) => a.status === 'unanswered').length;
  if (unanswered > 0) problems.push(`${where}: ${unanswered} requests unanswered`);
  const bad = answers.filter((a) => a.status !== 'unanswered' && a.status !== 200).length;
  if (bad > 0) problems.push(`${where}: ${bad} answers not 200`);
  const expected = variant === 'local' ? DEMO_KEYS.length : DEMO_KEYS.length * 2;
  const short = answers.filter((a) => a.status === 200 && a.cards !== expected).length;
  if (short > 0) problems.push(`${where}: ${short} answers without one card per key`);
  return problems;
}
