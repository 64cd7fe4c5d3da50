// Graceful shutdown: the real server process under load gets SIGTERM, finishes what it started, refuses the rest, exits 0.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { createLocalSource } from '../src/execution/local.ts';
import { demoContext } from '../src/demo/index.ts';
import { Readiness } from '../src/health/readiness.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { resolvers } from '../src/demo/resolvers.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { ANCHOR, cardsBody } from './support/app.ts';
import { killAll, spawnServer as spawnProcess, type Spawned } from './support/process.ts';

// One database file seeded once and opened by every server of this file: seeding is the slow part of starting.
const dir = mkdtempSync(join(tmpdir(), 'cardql-shutdown-'));
const DATABASE = join(dir, 'cardql.sqlite');
beforeAll(() => openSqliteDatabase({ path: DATABASE, anchor: ANCHOR }).close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURE_CARDS = { CARDQL_QUERIES_DIR: 'test/fixtures/failing-cards/queries', CARDQL_CARDS_DIR: 'test/fixtures/failing-cards/mappers' };

const children: ChildProcess[] = [];
afterEach(() => killAll(children));

/**
 * Starts a server process through tsx (no build): the fixture needs a slow resolver wired in-process.
 * `npm start` itself (the compiled build) and its SIGTERM are tested in test/compiled.test.ts.
 */
function spawnServer(entry: string, env: Record<string, string>): Promise<Spawned> {
  return spawnProcess(process.execPath, ['--import', 'tsx', entry], { PATH: process.env.PATH, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'info', ...env }, children);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function post(url: string, keys: string[]): Promise<Response> {
  return fetch(`${url}/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardsBody(keys)), signal: AbortSignal.timeout(15_000) });
}

describe('SIGTERM on the real process', () => {
  it('under load finishes every in-flight request with 200, refuses new connections, and exits 0', async () => {
    const IN_FLIGHT = 12;
    const server = await spawnServer('test/fixtures/shutdown/server.ts', { ...FIXTURE_CARDS, SLOW_MS: '1500', CARDQL_DEADLINE_MS: '5000' });
    const started = () => server.stderr().split('slow resolver started').length - 1;
    const answers = Array.from({ length: IN_FLIGHT }, () => post(server.url, ['healthy', 'slow']));
    await waitFor(() => started() === IN_FLIGHT, `${IN_FLIGHT} slow requests in flight`);

    server.child.kill('SIGTERM');
    // The listening socket is closed in the same turn as this log line: from then on a new connection is refused.
    await waitFor(() => server.stdout().includes('shutting down: no new connections'), 'the shutdown to begin');
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('accepted');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');

    const responses = await Promise.all(answers);
    expect(responses.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(200));
    for (const response of responses) {
      const { cards } = CardsResponse.parse(await response.json());
      // The slow card was answered, not cut off or turned into an error card.
      expect(cards.map((card) => [card.key, JSON.stringify(card.components)])).toEqual([
        ['healthy', JSON.stringify([{ componentText: { text: 'Alex Johnson' } }])],
        ['slow', JSON.stringify([{ componentText: { text: '0 orders' } }])],
      ]);
    }
    expect(await server.exited).toBe(0);
    // Kept-alive connections were closed: the process did not wait for the grace timer to cut them.
    expect(server.stdout()).not.toContain('shutdown grace period over');
  });
});

/** Resolves once the server has `count` open connections (it learns of a connection after the client does). */
async function untilConnections(running: RunningServer, count: number): Promise<void> {
  while ((await new Promise<number>((resolve, reject) => running.server.getConnections((error, n) => (error ? reject(error) : resolve(n))))) < count) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Resolves once the server has parsed a request's headers (the request is in flight). */
function untilRequestArrived(running: RunningServer): Promise<unknown> {
  return once(running.server, 'request');
}

describe('SIGTERM with a silent connection open (`nc host port`) and nothing in flight', () => {
  it('closes it at once and exits 0 without waiting out the grace period', async () => {
    const server = await spawnServer('test/fixtures/shutdown/server.ts', { ...FIXTURE_CARDS, CARDQL_DEADLINE_MS: '13000' });
    // An answer means the process has turned its event loop since it listened: its signal handlers are in place.
    expect((await fetch(`${server.url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);
    const silent = connect(Number(new URL(server.url).port), '127.0.0.1');
    await once(silent, 'connect');
    silent.on('error', () => {});
    const silentClosed = once(silent, 'close');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await silentClosed;
    expect(server.stdout()).toContain('shutdown complete');
    // Had the shutdown waited for the silent connection, the grace timer would have cut it, and said so.
    expect(server.stdout()).not.toContain('shutdown grace period over');
  }, 30_000);
});

describe('RunningServer.close()', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('turns /readyz to 503 at once while the in-flight request still gets its 200, then closes the database', async () => {
    const db = openSqliteDatabase({ path: DATABASE });
    const slowSchema = makeExecutableSchema({
      typeDefs: readFileSync('schema.graphql', 'utf8'),
      resolvers: [resolvers, { Customer: { orders: () => new Promise((resolve) => setTimeout(() => resolve([]), 500)) } }],
    });
    running = await startServer({ ...FIXTURE_CARDS, NODE_ENV: 'test', PORT: '0', CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'silent' }, { sources: [createLocalSource({ schema: slowSchema, createContext: demoContext(db) })] });
    const arrived = once(running.server, 'request');
    const inFlight = post(running.url, ['slow']);
    await arrived;
    const closing = running.close();
    const ready = await running.app.fetch(new Request('http://cardql.test/readyz'));
    expect(ready.status).toBe(503);
    expect(Readiness.parse(await ready.json()).failing).toContain('shutdown');
    expect((await inFlight).status).toBe(200);
    await closing;
    await expect(running.app.local!.ready!(new AbortController().signal)).rejects.toThrow('closed');
    db.close();
  });

  it('cuts a connection still open when the grace period (deadline + 1 s) is over', async () => {
    running = await startServer({ NODE_ENV: 'test', PORT: '0', CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'silent', CARDQL_DEADLINE_MS: '100' });
    // A client that announces a body and never sends it: its request is in flight and can never finish.
    const socket = connect(Number(new URL(running.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => {});
    socket.write('POST /cards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"card');
    await untilRequestArrived(running);
    expect(await running.close()).toEqual({ cutConnections: 1 });
    await once(socket, 'close');
  });

  it('closes idle and silent connections at once, without waiting out the grace period', async () => {
    // A grace period of 14 s: were the shutdown to wait for it, the test would time out and report cut connections.
    running = await startServer({ NODE_ENV: 'test', PORT: '0', CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'silent', CARDQL_DEADLINE_MS: '13000' });
    const port = Number(new URL(running.url).port);
    // Silent: connected, never sends a byte (`nc host port`).
    const silent = connect(port, '127.0.0.1');
    await once(silent, 'connect');
    const silentClosed = once(silent, 'close');
    // Idle: one request answered, the connection kept alive.
    const idle = connect(port, '127.0.0.1');
    await once(idle, 'connect');
    const idleClosed = once(idle, 'close');
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(idle, 'data');
    await untilConnections(running, 2);
    // Nothing had to be cut: both connections were closed by the shutdown itself, not by the grace timer.
    expect(await running.close()).toEqual({ cutConnections: 0 });
    await Promise.all([silentClosed, idleClosed]);
  });

  it('keeps an idle connection open longer than clients and load balancers do, so that a client never reuses one the server just closed', async () => {
    running = await startServer({ NODE_ENV: 'test', PORT: '0', CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'silent' });
    // undici (Node's fetch) keeps an idle connection 4 s, a load balancer typically 60 s: the server must outlast both.
    expect(running.server.keepAliveTimeout).toBeGreaterThan(60_000);
  });

  it('returns the same shutdown when called twice', async () => {
    running = await startServer({ NODE_ENV: 'test', PORT: '0', CARDQL_DATABASE: DATABASE, LOG_LEVEL: 'silent' });
    expect(running.close()).toBe(running.close());
    await running.close();
  });
});
