// `npm run soak`: sustained signed load on the real server on loopback while its data source fails in turn
// (slow, erroring, down, recovered). Fails (exit 1) when a request goes unanswered within the deadline, when an
// error card shows up where no fault was injected, or when memory grows. See docs/operations.md.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TypeInfo, visit, visitWithTypeInfo, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { createLocalSource } from '../src/execution/local.ts';
import { sign } from '../src/http/verify.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { createLocalSchema } from '../src/schema/index.ts';
import { openDatabase } from '../src/db/database.ts';
import { startServer } from '../src/server.ts';

/** What a field does while its fault is on: answer after the deadline, or throw. */
type Fault = 'slow' | 'error';
type Phase = { name: string; why: string; faults: Record<string, Fault> };

/** The source fails in turn; each phase lasts the same share of the run. */
const PHASES: Phase[] = [
  { name: 'healthy', why: 'baseline', faults: {} },
  { name: 'slow', why: 'Customer.orders answers after the deadline', faults: { 'Customer.orders': 'slow' } },
  { name: 'erroring', why: 'Customer.subscription and Customer.invoices throw', faults: { 'Customer.subscription': 'error', 'Customer.invoices': 'error' } },
  { name: 'down', why: 'Query.customer throws: the whole source is down', faults: { 'Query.customer': 'error' } },
  { name: 'recovered', why: 'every fault off again', faults: {} },
];

const SECRET = 'soak-signing-secret';
/** Time allowed past the deadline for the response to travel back through a loaded 2-core machine. */
const SLACK_MS = 250;
const ERROR_CARD = /^This card (couldn't be loaded|took too long to load)\. Reference: [0-9a-f]{8}$/;

type Customer = { id: string; email: string; externalId: string | null };
type ToServer = { type: 'phase'; index: number } | { type: 'stop' };
type FromServer =
  | { type: 'ready'; url: string; customers: Customer[]; coordinates: Record<string, string[]> }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'phase-set'; index: number };

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

if (process.env.CARDQL_SOAK_ROLE === 'server') await serve();
else process.exitCode = await drive();

// ---------------------------------------------------------------------------------------------------------------
// The driver: starts the server process, loads it, switches faults, checks every answer, prints a summary.

async function drive(): Promise<number> {
  const { values: flags } = parseArgs({
    options: {
      seconds: { type: 'string', default: '30' },
      connections: { type: 'string', default: '16' },
      'deadline-ms': { type: 'string', default: '1000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write('npm run soak -- [--seconds 30] [--connections 16] [--deadline-ms 1000]\n');
    return 0;
  }
  const seconds = positive('--seconds', flags.seconds, 10, 3600);
  const connections = positive('--connections', flags.connections, 1, 512);
  const deadlineMs = positive('--deadline-ms', flags['deadline-ms'], 50, 14_000);

  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, CARDQL_SOAK_ROLE: 'server', CARDQL_DEADLINE_MS: String(deadlineMs), CARDQL_SIGNING_SECRET: SECRET },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = await new Promise<Extract<FromServer, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: FromServer) => message.type === 'ready' && resolve(message));
    void exited.then((code) => reject(new Error(`the server process exited (${code}) before it was ready`)));
  });
  const allKeys = Object.keys(ready.coordinates);
  const affected = PHASES.map((phase) => affectedCards(phase, ready.coordinates));
  process.stdout.write(`soak: ${seconds} s, ${connections} connections, deadline ${deadlineMs} ms, ${allKeys.length} cards, server ${ready.url}\n`);
  for (const [index, phase] of PHASES.entries()) {
    const hit = [...affected[index]!].map(([key, kind]) => `${key} (${kind})`).join(', ') || 'none';
    process.stdout.write(`  phase ${phase.name.padEnd(9)} ${phase.why}; expected error cards: ${hit}\n`);
  }

  const violations: string[] = [];
  const violate = (message: string) => {
    if (violations.length < 50) violations.push(message);
  };
  const stats = PHASES.map(() => ({ requests: 0, status: new Map<number, number>(), errorCards: new Map<string, number>(), latencies: [] as number[] }));
  const memory: Array<{ second: number; phase: string; rss: number; heapUsed: number }> = [];
  // `phase` is the one the driver is in; `active` holds every phase whose faults the server may be applying right
  // now: both sides of a switch until the server confirms it.
  let phase = 0;
  let active = new Set([0]);
  const started = performance.now();
  const second = () => ((performance.now() - started) / 1000).toFixed(1);
  child.on('message', (message: FromServer) => {
    if (message.type === 'memory') memory.push({ second: (performance.now() - started) / 1000, phase: PHASES[phase]!.name, rss: message.rss, heapUsed: message.heapUsed });
    if (message.type === 'phase-set' && message.index === phase) active = new Set([phase]);
  });

  const phaseMs = (seconds * 1000) / PHASES.length;
  const switches = PHASES.slice(1).map((_, i) =>
    setTimeout(() => {
      phase = i + 1;
      active = new Set([...active, phase]);
      child.send({ type: 'phase', index: phase } satisfies ToServer);
    }, phaseMs * (i + 1)),
  );

  let picked = 0;
  const instance = autocannon({
    url: ready.url,
    connections,
    duration: seconds,
    timeout: Math.ceil((deadlineMs + SLACK_MS) / 1000) + 1,
    requests: [
      {
        method: 'POST',
        path: '/cards',
        setupRequest(request, context) {
          const customer = ready.customers[picked++ % ready.customers.length]!;
          // Every card most of the time; a rotating subset otherwise, so requests differ in size too.
          const keys = picked % 4 === 0 ? allKeys.filter((_, i) => (i + picked) % 3 !== 0) : allKeys;
          const body = JSON.stringify({ cardKeys: keys, customer });
          context.sent = { phase, active, keys };
          return {
            ...request,
            body,
            headers: { 'content-type': 'application/json', 'plain-workspace-id': 'w_SOAK', 'plain-request-signature': sign(body, SECRET) },
          };
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
    if (responseTime > deadlineMs + SLACK_MS) violate(`${second()} s: a response took ${responseTime.toFixed(0)} ms, over the ${deadlineMs} ms deadline + ${SLACK_MS} ms`);
  });
  const printer = setInterval(() => {
    const last = memory.at(-1);
    if (last) process.stdout.write(`  ${last.second.toFixed(0).padStart(4)} s  ${last.phase.padEnd(9)}  rss ${mb(last.rss)}  heap ${mb(last.heapUsed)}\n`);
  }, 5_000);
  const result = await instance;
  clearInterval(printer);
  switches.forEach(clearTimeout);

  if (result.errors > 0 || result.timeouts > 0) violate(`${result.errors} connection errors, ${result.timeouts} timeouts (no answer within ${deadlineMs + SLACK_MS} ms)`);
  for (const [index, { errorCards }] of stats.entries()) {
    const expected = affected[index]!;
    if (expected.size > 0 && errorCards.size === 0) violate(`phase ${PHASES[index]!.name}: the fault produced no error card, so this run proves nothing`);
  }
  violations.push(...memoryViolations(memory));

  child.send({ type: 'stop' } satisfies ToServer);
  const code = await exited;
  if (code !== 0) violations.push(`the server exited with ${code} after SIGTERM-like stop, expected 0`);

  printSummary({ stats, memory, result, seconds });
  if (violations.length > 0) {
    process.stdout.write(`\nFAIL: ${violations.length} violation(s)\n${violations.map((v) => `  - ${v}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('\nPASS: every request answered within the deadline, error cards only where a fault was injected, memory flat\n');
  return 0;
}

/** Card key → the error kind expected while `phase` is on, from the fields each card's query selects. */
function affectedCards(phase: Phase, coordinates: Record<string, string[]>): Map<string, 'timeout' | 'error'> {
  const hit = new Map<string, 'timeout' | 'error'>();
  for (const [key, fields] of Object.entries(coordinates)) {
    for (const field of fields) {
      const fault = phase.faults[field];
      if (fault) hit.set(key, fault === 'slow' ? 'timeout' : 'error');
    }
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

function printSummary({ stats, memory, result, seconds }: { stats: Array<{ requests: number; status: Map<number, number>; errorCards: Map<string, number>; latencies: number[] }>; memory: Array<{ rss: number; heapUsed: number }>; result: AutocannonResult; seconds: number }) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`phase      requests  statuses            p50 ms  p99 ms  max ms  error cards`);
  for (const [index, stat] of stats.entries()) {
    const sorted = [...stat.latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    const statuses = [...stat.status].map(([status, count]) => `${status}:${count}`).join(' ');
    const errors = [...stat.errorCards].map(([card, count]) => `${card} ×${count}`).join(', ') || '-';
    out(
      `${PHASES[index]!.name.padEnd(10)} ${String(stat.requests).padStart(8)}  ${statuses.padEnd(18)} ${at(0.5).toFixed(0).padStart(6)}  ${at(0.99).toFixed(0).padStart(6)}  ${(sorted.at(-1) ?? 0).toFixed(0).padStart(6)}  ${errors}`,
    );
  }
  out();
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
  const schema = createLocalSchema();
  let faults: Record<string, Fault> = {};
  const deadlineMs = Number(process.env.CARDQL_DEADLINE_MS);
  for (const coordinate of new Set(PHASES.flatMap((phase) => Object.keys(phase.faults)))) {
    wrapField(schema, coordinate, async (next) => {
      const fault = faults[coordinate];
      if (fault === 'error') throw new Error(`soak: ${coordinate} is failing`);
      if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, deadlineMs + 500));
      return next();
    });
  }
  const db = openDatabase({ path: ':memory:' });
  const running = await startServer({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', CARDQL_DATABASE: ':memory:' }, { db, sources: [createLocalSource({ schema, db })] });

  const coordinates: Record<string, string[]> = {};
  for (const [key, card] of running.app.registry) coordinates[key] = selectedFields(schema, card.document);
  // Known customers found by email or external id, and one in ten that the data does not know (no-data cards).
  const customers = db
    .all<{ email: string; external_id: string; plain_customer_id: string | null }>('SELECT email, external_id, plain_customer_id FROM customers ORDER BY id LIMIT 500')
    .map((row, i): Customer =>
      i % 10 === 9
        ? { id: `c_SOAK_UNKNOWN_${i}`, email: `unknown-${i}@soak.example`, externalId: null }
        : { id: row.plain_customer_id ?? `c_SOAK_${i}`, email: row.email, externalId: i % 2 === 0 ? row.external_id : null },
    );
  const gc = (globalThis as { gc?: () => void }).gc;
  const sampler = setInterval(() => {
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send!({ type: 'memory', rss, heapUsed } satisfies FromServer);
  }, 1_000);
  process.on('message', async (message: ToServer) => {
    if (message.type === 'phase') {
      faults = PHASES[message.index]!.faults;
      process.send!({ type: 'phase-set', index: message.index } satisfies FromServer);
    }
    if (message.type === 'stop') {
      clearInterval(sampler);
      await running.close();
      db.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url: running.url, customers, coordinates } satisfies FromServer);
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
