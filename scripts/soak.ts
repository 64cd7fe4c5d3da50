// `npm run soak`: sustained signed load on the real server on loopback while its sources fail in turn: the
// in-process schema (slow, erroring, down) then a remote GraphQL source on loopback (slow, HTTP 500, refusing
// connections), then recovery. Fails (exit 1) when a request goes unanswered within the deadline, when an error
// card shows up where no fault was injected, or when memory grows. See docs/operations.md.
// Three processes, so that each one's work stays off the others' event loops: this driver (autocannon, checks),
// the cardql server (memory sampled there) and the upstream of the remote source.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { TypeInfo, visit, visitWithTypeInfo, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { createDemoUpstream } from '../src/demo-upstream/upstream.ts';
import { createLocalSource } from '../src/execution/local.ts';
import { createDemoData, demoContext } from '../src/demo/index.ts';
import { LOCAL_SOURCE } from '../src/execution/executor.ts';
import { Readiness } from '../src/health/readiness.ts';
import { sign } from '../src/http/verify.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { createDemoSchema } from '../src/demo/index.ts';
import { startServer } from '../src/server.ts';

/** What an in-process field does while its fault is on: answer after the deadline, or throw. */
type Fault = 'slow' | 'error';
/** What the remote source's upstream does: answer after the deadline, answer HTTP 500, or refuse connections. */
type RemoteFault = Fault | 'down';
type Phase = { name: string; why: string; local?: Record<string, Fault>; remote?: RemoteFault };

/** The remote source: the demo upstream (the demo schema on its own graphql-yoga server) on loopback. */
const REMOTE = 'demo';

/** The sources fail in turn; each phase lasts the same share of the run. */
const PHASES: Phase[] = [
  { name: 'healthy', why: 'baseline' },
  { name: 'local-slow', why: 'in-process Customer.orders answers after the deadline', local: { 'Customer.orders': 'slow' } },
  { name: 'local-error', why: 'in-process Customer.subscription and Customer.invoices throw', local: { 'Customer.subscription': 'error', 'Customer.invoices': 'error' } },
  { name: 'local-down', why: 'in-process Query.customer throws: every local card fails', local: { 'Query.customer': 'error' } },
  { name: 'remote-slow', why: 'the upstream answers after the deadline', remote: 'slow' },
  { name: 'remote-500', why: 'the upstream answers HTTP 500 (cardql retries once)', remote: 'error' },
  { name: 'remote-down', why: 'the upstream stops listening: connections refused', remote: 'down' },
  { name: 'recovered', why: 'every fault off again' },
];

const SECRET = 'soak-signing-secret';
const ERROR_CARD = /^This card (couldn't be loaded|took too long to load)\. Reference: [0-9a-f]{8}$/;

type Customer = { id: string; email: string; externalId: string | null };
type ToChild = { type: 'phase'; index: number } | { type: 'stop' };
/** A card as the driver needs to know it: the source it runs on and every `Type.field` its query selects. */
type CardShape = { source: string; fields: string[] };
type FromServer =
  | { type: 'ready'; url: string; customers: Customer[]; cards: Record<string, CardShape> }
  | { type: 'memory'; rss: number; heapUsed: number; loopDelayMaxMs: number }
  | { type: 'phase-set'; index: number };
type FromUpstream = { type: 'ready'; url: string } | { type: 'phase-set'; index: number };

// autocannon 8 ships no types: the part of its API this script uses.
type AutocannonRequest = {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
};
type AutocannonResult = { requests: { total: number }; errors: number; timeouts: number };
type AutocannonInstance = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
};
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: AutocannonRequest[];
}) => AutocannonInstance;

const ROLE = process.env.CARDQL_SOAK_ROLE;
if (ROLE === 'server') await serve();
else if (ROLE === 'upstream') await serveUpstream();
else process.exitCode = await drive();

// ---------------------------------------------------------------------------------------------------------------
// The driver: starts the server process, loads it, switches faults, checks every answer, prints a summary.

async function drive(): Promise<number> {
  const { values: flags } = parseArgs({
    options: {
      seconds: { type: 'string', default: '30' },
      connections: { type: 'string', default: '16' },
      'deadline-ms': { type: 'string', default: '1000' },
      'slack-ms': { type: 'string', default: '250' },
      'warmup-seconds': { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write('npm run soak -- [--seconds 30] [--connections 16] [--deadline-ms 1000] [--slack-ms 250] [--warmup-seconds 3]\n');
    return 0;
  }
  const seconds = positive('--seconds', flags.seconds, 10, 3600);
  const connections = positive('--connections', flags.connections, 1, 512);
  const deadlineMs = positive('--deadline-ms', flags['deadline-ms'], 50, 14_000);
  /** Time allowed past the deadline for the answer to travel back through a loaded machine. */
  const slackMs = positive('--slack-ms', flags['slack-ms'], 0, 10_000);
  const warmupSeconds = positive('--warmup-seconds', flags['warmup-seconds'], 1, 600);

  // Both children seed the same demo data: the seed is deterministic for one anchor.
  const anchor = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())).toISOString();
  const env = { ...process.env, CARDQL_SOAK_ANCHOR: anchor, CARDQL_DEADLINE_MS: String(deadlineMs) };
  const upstreamChild = startChild('upstream', env);
  const upstreamReady = (await firstMessage<FromUpstream>(upstreamChild, 'ready')) as Extract<FromUpstream, { type: 'ready' }>;
  const child = startChild('server', { ...env, CARDQL_SOAK_UPSTREAM: upstreamReady.url, CARDQL_SIGNING_SECRET: SECRET });
  const ready = (await firstMessage<FromServer>(child, 'ready')) as Extract<FromServer, { type: 'ready' }>;
  const allKeys = Object.keys(ready.cards);
  const affected = PHASES.map((phase) => affectedCards(phase, ready.cards));
  const remoteKeys = allKeys.filter((key) => ready.cards[key]!.source === REMOTE);
  process.stdout.write(
    `soak: ${seconds} s, ${connections} connections, deadline ${deadlineMs} ms (+${slackMs} ms to travel), server ${ready.url}\n` +
      `  ${allKeys.length - remoteKeys.length} in-process cards, ${remoteKeys.length} on remote source "${REMOTE}"; ${ready.customers.length} customers (1 in 10 unknown)\n`,
  );
  for (const [index, phase] of PHASES.entries()) {
    const hit = [...affected[index]!.keys()];
    process.stdout.write(`  phase ${phase.name.padEnd(12)} ${phase.why}; error cards allowed: ${hit.length === 0 ? 'none' : hit.length === allKeys.length ? 'all' : hit.join(', ')}\n`);
  }

  const violations: string[] = [];
  const violate = (message: string) => {
    if (violations.length < 50) violations.push(message);
  };
  const stats = PHASES.map(() => ({ requests: 0, status: new Map<number, number>(), errorCards: new Map<string, number>(), latencies: [] as number[] }));
  const memory: Array<{ second: number; phase: string; rss: number; heapUsed: number }> = [];
  const loopDelay = PHASES.map(() => 0);
  // Signed Plain requests for varied customers: every card most of the time, a rotating subset otherwise.
  let picked = 0;
  const nextRequest = (request: AutocannonRequest) => {
    const customer = ready.customers[picked++ % ready.customers.length]!;
    const keys = picked % 4 === 0 ? allKeys.filter((_, i) => (i + picked) % 3 !== 0) : allKeys;
    const body = JSON.stringify({ cardKeys: keys, customer });
    const headers = { 'content-type': 'application/json', 'plain-workspace-id': 'w_SOAK', 'plain-request-signature': sign(body, SECRET) };
    return { keys, signed: { ...request, body, headers } };
  };

  // Warm-up, not judged: the first requests pay for JIT compilation and the first upstream connections.
  const warm = await autocannon({ url: ready.url, connections, duration: warmupSeconds, timeout: 10, requests: [{ method: 'POST', path: '/cards', setupRequest: (request) => nextRequest(request).signed }] });
  process.stdout.write(`  warm-up: ${warm.requests.total} requests in ${warmupSeconds} s, ${warm.errors} errors\n`);

  // `phase` is the one the driver is in; `active` holds every phase whose faults may be applied right now: both
  // sides of a switch until both children confirm it.
  let phase = 0;
  let active = new Set([0]);
  let confirmed = new Set<ChildProcess>();
  const started = performance.now();
  const second = () => ((performance.now() - started) / 1000).toFixed(1);
  const onPhaseSet = (from: ChildProcess) => (message: FromServer | FromUpstream) => {
    if (message.type !== 'phase-set' || message.index !== phase) return;
    confirmed.add(from);
    if (confirmed.size === 2) active = new Set([phase]);
  };
  child.on('message', onPhaseSet(child));
  upstreamChild.on('message', onPhaseSet(upstreamChild));
  child.on('message', (message: FromServer) => {
    if (message.type !== 'memory') return;
    memory.push({ second: (performance.now() - started) / 1000, phase: PHASES[phase]!.name, rss: message.rss, heapUsed: message.heapUsed });
    loopDelay[phase] = Math.max(loopDelay[phase]!, message.loopDelayMaxMs);
  });

  const phaseMs = (seconds * 1000) / PHASES.length;
  const switches = PHASES.slice(1).map((_, i) =>
    setTimeout(() => {
      phase = i + 1;
      active = new Set([...active, phase]);
      confirmed = new Set();
      for (const to of [child, upstreamChild]) to.send({ type: 'phase', index: phase } satisfies ToChild);
    }, phaseMs * (i + 1)),
  );

  const instance = autocannon({
    url: ready.url,
    connections,
    duration: seconds,
    timeout: Math.ceil((deadlineMs + slackMs) / 1000) + 1,
    requests: [
      {
        method: 'POST',
        path: '/cards',
        setupRequest(request, context) {
          const { keys, signed } = nextRequest(request);
          context.sent = { phase, active, keys };
          return signed;
        },
        onResponse(status, body, context) {
          const sent = context.sent as { phase: number; active: Set<number>; keys: string[] };
          // A request that straddles a switch may meet the faults of any phase active while it was in flight.
          const allowed = new Map([...sent.active, ...active].flatMap((index) => [...affected[index]!]));
          const stat = stats[sent.phase]!;
          stat.requests += 1;
          stat.status.set(status, (stat.status.get(status) ?? 0) + 1);
          if (status === 503) {
            if (!sent.keys.every((key) => allowed.has(key))) violate(`${second()} s: 503 in phase ${PHASES[sent.phase]!.name} for keys ${sent.keys.join(',')} that no fault touches`);
            return;
          }
          if (status !== 200) return violate(`${second()} s: status ${status} in phase ${PHASES[sent.phase]!.name}: ${body.slice(0, 200)}`);
          const parsed = CardsResponse.safeParse(JSON.parse(body));
          if (!parsed.success) return violate(`a 200 that fails Plain's schema: ${body.slice(0, 200)}`);
          const answered = parsed.data.cards.map((card) => card.key);
          if (answered.join() !== sent.keys.join()) violate(`asked for ${sent.keys.join(',')}, answered ${answered.join(',')}`);
          for (const card of parsed.data.cards) {
            const only = card.components?.length === 1 ? card.components[0]! : undefined;
            const text = only && 'componentText' in only ? only.componentText.text : undefined;
            const match = text === undefined ? null : ERROR_CARD.exec(text);
            if (!match) continue;
            const kind = match[1] === 'took too long to load' ? 'timeout' : 'error';
            stat.errorCards.set(`${card.key} ${kind}`, (stat.errorCards.get(`${card.key} ${kind}`) ?? 0) + 1);
            if (!allowed.has(card.key)) violate(`${second()} s: error card for ${card.key} (${kind}) in phase ${PHASES[sent.phase]!.name}, where no fault touches it`);
          }
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    stats[phase]!.latencies.push(responseTime);
    if (responseTime > deadlineMs + slackMs) violate(`${second()} s: a response took ${responseTime.toFixed(0)} ms, over the ${deadlineMs} ms deadline + ${slackMs} ms`);
  });
  // Readiness, probed as a load balancer would: it must drop while the remote source is down.
  const probes = PHASES.map(() => [] as string[]);
  const prober = setInterval(async () => {
    const at = phase;
    try {
      const response = await fetch(`${ready.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      const readiness = Readiness.parse(await response.json());
      probes[at]!.push(response.status === 200 ? 'ready' : readiness.failing.join('+'));
    } catch (error) {
      probes[at]!.push(`unanswered (${(error as Error).name})`);
    }
  }, 1_000);
  const printer = setInterval(() => {
    const last = memory.at(-1);
    if (last) process.stdout.write(`  ${last.second.toFixed(0).padStart(4)} s  ${last.phase.padEnd(9)}  rss ${mb(last.rss)}  heap ${mb(last.heapUsed)}\n`);
  }, 5_000);
  const result = await instance;
  clearInterval(printer);
  clearInterval(prober);
  switches.forEach(clearTimeout);

  if (result.errors > 0 || result.timeouts > 0) violate(`${result.errors} connection errors, ${result.timeouts} timeouts (no answer within ${deadlineMs + slackMs} ms)`);
  for (const [index, { errorCards }] of stats.entries()) {
    const expected = affected[index]!;
    if (expected.size > 0 && errorCards.size === 0) violate(`phase ${PHASES[index]!.name}: the fault produced no error card, so this run proves nothing`);
  }
  violations.push(...memoryViolations(memory));
  const downIndex = PHASES.findIndex((p) => p.remote === 'down');
  if (!probes[downIndex]!.some((probe) => probe.includes(`source:${REMOTE}`))) violate(`/readyz never named source:${REMOTE} while its upstream was down: ${probes[downIndex]!.join(', ')}`);
  if (probes[0]!.some((probe) => probe !== 'ready')) violate(`/readyz was not ready while every source was healthy: ${probes[0]!.join(', ')}`);

  const exits = [child, upstreamChild].map((to) => (to.exitCode !== null ? Promise.resolve(to.exitCode) : once(to, 'exit').then(([code]) => code as number | null)));
  for (const to of [child, upstreamChild]) to.send({ type: 'stop' } satisfies ToChild);
  const [code] = await Promise.all(exits);
  if (code !== 0) violations.push(`the server exited with ${code} after its graceful close, expected 0`);

  printSummary({ stats, memory, result, seconds, probes, loopDelay });
  if (violations.length > 0) {
    process.stdout.write(`\nFAIL: ${violations.length} violation(s)\n${violations.map((v) => `  - ${v}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('\nPASS: every request answered within the deadline, error cards only where a fault was injected, memory flat\n');
  return 0;
}

/** Card key → the error kind expected while `phase` is on: by the fields a local card selects, by source for remote cards. */
function affectedCards(phase: Phase, cards: Record<string, CardShape>): Map<string, 'timeout' | 'error'> {
  const hit = new Map<string, 'timeout' | 'error'>();
  for (const [key, { source, fields }] of Object.entries(cards)) {
    const faults = source === REMOTE ? (phase.remote ? [phase.remote] : []) : fields.flatMap((field) => phase.local?.[field] ?? []);
    // A remote source slower than the deadline is cut by its own timeout (error) or by the deadline (timeout).
    for (const fault of faults) hit.set(key, fault === 'slow' ? 'timeout' : 'error');
  }
  return hit;
}

/**
 * Memory is flat when the heap after a full GC, and the RSS, at the end of the run (median of the last
 * fifth of the samples) are close to what they were once warmed up (median of the second fifth).
 */
function memoryViolations(samples: Array<{ rss: number; heapUsed: number }>): string[] {
  if (samples.length < 8) return [`only ${samples.length} memory samples: run for longer`];
  const fifth = Math.floor(samples.length / 5);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const window = (from: number) => samples.slice(from, from + fifth);
  const [heapBase, heapEnd] = [median(window(fifth).map((s) => s.heapUsed)), median(window(samples.length - fifth).map((s) => s.heapUsed))];
  const [rssBase, rssEnd] = [median(window(fifth).map((s) => s.rss)), median(window(samples.length - fifth).map((s) => s.rss))];
  const problems: string[] = [];
  if (heapEnd - heapBase > Math.max(8 * 2 ** 20, heapBase * 0.2)) problems.push(`heap after GC grew from ${mb(heapBase)} to ${mb(heapEnd)}`);
  if (rssEnd - rssBase > Math.max(32 * 2 ** 20, rssBase * 0.25)) problems.push(`RSS grew from ${mb(rssBase)} to ${mb(rssEnd)}`);
  return problems;
}

type Stat = { requests: number; status: Map<number, number>; errorCards: Map<string, number>; latencies: number[] };

/** `ready ×3, source:demo ×1`: how many probes gave each answer. */
function summarise(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${value} ×${count}`).join(', ') || '-';
}

function printSummary({ stats, memory, result, seconds, probes, loopDelay }: { stats: Stat[]; memory: Array<{ rss: number; heapUsed: number }>; result: AutocannonResult; seconds: number; probes: string[][]; loopDelay: number[] }) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`phase         requests  statuses          p50 ms  p99 ms  max ms  loop ms  /readyz probes          error cards (card outcome ×count)`);
  for (const [index, stat] of stats.entries()) {
    const sorted = [...stat.latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    const statuses = [...stat.status].map(([status, count]) => `${status}:${count}`).join(' ');
    const errors = [...stat.errorCards].map(([card, count]) => `${card} ×${count}`).join(', ') || '-';
    const probed = summarise(probes[index]!);
    out(
      `${PHASES[index]!.name.padEnd(13)} ${String(stat.requests).padStart(8)}  ${statuses.padEnd(16)} ${at(0.5).toFixed(0).padStart(6)}  ${at(0.99).toFixed(0).padStart(6)}  ${(sorted.at(-1) ?? 0).toFixed(0).padStart(6)}  ${loopDelay[index]!.toFixed(0).padStart(7)}  ${probed.padEnd(22)}  ${errors}`,
    );
  }
  out();
  out('latencies as autocannon measured them, by the phase the answer arrived in; loop ms: the server\'s worst event-loop delay');
  out(`total ${result.requests.total} requests in ${seconds} s (${(result.requests.total / seconds).toFixed(0)} req/s), ${result.errors} errors, ${result.timeouts} timeouts`);
  const first = memory[0];
  const last = memory.at(-1);
  if (first && last) {
    const rss = memory.map((s) => s.rss);
    out(`server memory: rss ${mb(first.rss)} → ${mb(last.rss)} (peak ${mb(Math.max(...rss))}), heap after GC ${mb(first.heapUsed)} → ${mb(last.heapUsed)}, ${memory.length} samples`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The server process: the real server (startServer) with fault switches on fields of the in-process schema.

async function serve(): Promise<void> {
  const deadlineMs = Number(process.env.CARDQL_DEADLINE_MS);
  const db = openSqliteDatabase({ path: ':memory:', anchor: new Date(process.env.CARDQL_SOAK_ANCHOR!) });

  // In-process faults: switches in front of resolvers of the real schema.
  const schema = createDemoSchema();
  let local: Record<string, Fault> = {};
  for (const coordinate of new Set(PHASES.flatMap((phase) => Object.keys(phase.local ?? {})))) {
    wrapField(schema, coordinate, async (next) => {
      const fault = local[coordinate];
      if (fault === 'error') throw new Error(`soak: ${coordinate} is failing`);
      if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, deadlineMs + 500));
      return next();
    });
  }

  const dir = mkdtempSync(join(tmpdir(), 'cardql-soak-'));
  const { queriesDir, cardsDir, sourcesFile } = writeCards(dir, process.env.CARDQL_SOAK_UPSTREAM!);
  const running = await startServer(
    { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir, CARDQL_SOURCES: sourcesFile },
    { local: createDemoData(db), sources: [createLocalSource({ schema, createContext: demoContext(db) })] },
  );

  const cards: Record<string, CardShape> = {};
  for (const [key, card] of running.app.registry) {
    cards[key] = { source: card.source, fields: card.source === LOCAL_SOURCE ? selectedFields(schema, card.document) : [] };
  }
  // Known customers found by email or external id, and one in ten that the data does not know (no-data cards).
  const customers = db
    .all<{ email: string; external_id: string; plain_customer_id: string | null }>('SELECT email, external_id, plain_customer_id FROM customers ORDER BY id LIMIT 500')
    .map((row, i): Customer =>
      i % 10 === 9
        ? { id: `c_SOAK_UNKNOWN_${i}`, email: `unknown-${i}@soak.example`, externalId: null }
        : { id: row.plain_customer_id ?? `c_SOAK_${i}`, email: row.email, externalId: i % 2 === 0 ? row.external_id : null },
    );
  // Heap after a full GC: what is really kept. The event-loop delay explains late answers, if any.
  const gc = (globalThis as { gc?: () => void }).gc;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const sampler = setInterval(() => {
    const loopDelayMaxMs = delay.max / 1e6;
    delay.reset();
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send!({ type: 'memory', rss, heapUsed, loopDelayMaxMs } satisfies FromServer);
  }, 1_000);

  process.on('message', async (message: ToChild) => {
    if (message.type === 'phase') {
      local = PHASES[message.index]!.local ?? {};
      process.send!({ type: 'phase-set', index: message.index } satisfies FromServer);
    }
    if (message.type === 'stop') {
      clearInterval(sampler);
      await running.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url: running.url, customers, cards } satisfies FromServer);
}

/** The upstream process: the demo upstream (graphql-yoga over the demo data) behind a fault switch; "down" closes its port. */
async function serveUpstream(): Promise<void> {
  const deadlineMs = Number(process.env.CARDQL_DEADLINE_MS);
  const db = openSqliteDatabase({ path: ':memory:', anchor: new Date(process.env.CARDQL_SOAK_ANCHOR!) });
  const yoga = createDemoUpstream({ db });
  let remote: RemoteFault | undefined;
  const upstream = createServer((request, response) => {
    if (remote === 'error') {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"soak: upstream failing"}]}');
    } else if (remote === 'slow') setTimeout(() => void yoga(request, response), deadlineMs + 500);
    else void yoga(request, response);
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = (upstream.address() as AddressInfo).port;
  process.on('message', async (message: ToChild) => {
    if (message.type === 'phase') {
      remote = PHASES[message.index]!.remote;
      if (remote === 'down' && upstream.listening) {
        upstream.close();
        upstream.closeAllConnections();
      } else if (remote !== 'down' && !upstream.listening) {
        upstream.listen(port, '127.0.0.1');
        await once(upstream, 'listening');
      }
      process.send!({ type: 'phase-set', index: message.index } satisfies FromUpstream);
    }
    if (message.type === 'stop') {
      upstream.closeAllConnections();
      db.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` } satisfies FromUpstream);
}

/**
 * The cards of the soak, in `dir`: the demo cards in-process as shipped, plus the remote demo's queries
 * under `queries/demo/` as `remote-<key>` with the same mappers, and a sources file pointing at the upstream.
 */
function writeCards(dir: string, upstreamUrl: string): { queriesDir: string; cardsDir: string; sourcesFile: string } {
  const queriesDir = join(dir, 'queries');
  const cardsDir = join(dir, 'cards');
  mkdirSync(join(queriesDir, REMOTE), { recursive: true });
  mkdirSync(cardsDir);
  const mapper = (key: string, as: string) => {
    const path = resolve('src/cards', `${key}.ts`);
    if (readdirSync('src/cards').includes(`${key}.ts`)) writeFileSync(join(cardsDir, `${as}.ts`), `export { default } from ${JSON.stringify(pathToFileURL(path).href)};\n`);
  };
  for (const file of readdirSync('queries').filter((name) => name.endsWith('.graphql'))) {
    copyFileSync(join('queries', file), join(queriesDir, file));
    mapper(basename(file, '.graphql'), basename(file, '.graphql'));
  }
  const remoteQueries = 'examples/remote-demo/queries/demo';
  for (const file of readdirSync(remoteQueries).filter((name) => name.endsWith('.graphql'))) {
    copyFileSync(join(remoteQueries, file), join(queriesDir, REMOTE, `remote-${file}`));
    mapper(basename(file, '.graphql'), `remote-${basename(file, '.graphql')}`);
  }
  const sourcesFile = join(dir, 'sources.json');
  writeFileSync(sourcesFile, JSON.stringify({ [REMOTE]: { url: upstreamUrl, timeoutMs: 3000, schema: 'schemas/demo.graphql' } }));
  return { queriesDir, cardsDir, sourcesFile };
}

/** Puts `around` in front of the resolver of `Type.field`: it decides whether and when the real one runs. */
function wrapField(schema: GraphQLSchema, coordinate: string, around: (next: () => unknown) => Promise<unknown>): void {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const field = (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[fieldName];
  if (!field) throw new Error(`soak: no field ${coordinate} in the schema`);
  const resolve = field.resolve!;
  field.resolve = (source, args, context, info) => around(() => resolve(source, args, context, info));
}

/** Every `Type.field` a query selects, so that the driver knows which faults touch which card. */
function selectedFields(schema: GraphQLSchema, document: Parameters<typeof visit>[0]): string[] {
  const typeInfo = new TypeInfo(schema);
  const fields = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) fields.add(`${parent.name}.${field.name}`);
      },
    }),
  );
  return [...fields];
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Forks this script in another role; the server gets `--expose-gc` so that its heap can be measured after a GC.
 * Through tsx, not the build `npm start` runs: the server role wires the faults into the in-process schema, so it
 * is this script, and the soak judges growth (the end against the warmed-up level), which tsx's fixed ~55 MB
 * does not change. The compiled `npm start` is tested by test/compiled.test.ts and measured by `npm run bench`.
 */
function startChild(role: 'server' | 'upstream', env: NodeJS.ProcessEnv): ChildProcess {
  return fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx', ...(role === 'server' ? ['--expose-gc'] : [])],
    env: { ...env, CARDQL_SOAK_ROLE: role },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** The first message of `type` from a child; rejects if the child exits first. */
function firstMessage<T extends { type: string }>(from: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    from.on('message', (message: T) => message.type === type && resolve(message));
    from.once('exit', (code) => reject(new Error(`a child process exited (${code}) before sending "${type}"`)));
  });
}

function positive(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    process.stderr.write(`${flag}: expected an integer from ${min} to ${max}, received ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return number;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
