// The fleet: real cardql processes sharing one real Redis, in front of a test upstream on loopback that goes down.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase as Database } from '../src/demo/sqlite.ts';
import { CardsResponse, type Card } from '../src/plain/cards-response.ts';
import { ANCHOR, cardsBody, seededDatabase } from './support/app.ts';
import { killAll, spawnServer, type Spawned } from './support/process.ts';
import { cardsLayout, DEMO_SCHEMA, sourcesFile, startScriptedUpstream, type TestUpstream } from './support/remote.ts';

const REDIS_URL = process.env.CARDQL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEYS = ['usage', 'plan-details'];
const FAILURES_TO_OPEN = 2;

const dir = mkdtempSync(join(tmpdir(), 'cardql-fleet-'));
const DATABASE = join(dir, 'cardql.sqlite');
const prefix = `cardql-fleet-test:${randomBytes(6).toString('hex')}:`;
const children: ChildProcess[] = [];
let db: Database;
let upstream: TestUpstream;
/** While true the upstream answers every card request 503, as a source having a bad five minutes. */
let down = false;
let redis: Redis;

beforeAll(async () => {
  openSqliteDatabase({ path: DATABASE, anchor: ANCHOR }).close();
  db = seededDatabase();
  upstream = await startScriptedUpstream((response, _index, pass) => (down ? void response.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"message":"maintenance"}]}') : pass()), db);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(() => {
  killAll(children);
  down = false;
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await upstream.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A real cardql process (the TypeScript sources through tsx) with the demo's cards on the remote source `demo`. */
function replica(env: Record<string, string> = {}): Promise<Spawned> {
  const layout = cardsLayout({ remote: KEYS });
  return spawnServer(
    process.execPath,
    ['--import', 'tsx', 'src/index.ts'],
    {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CARDQL_DATABASE: DATABASE,
      CARDQL_QUERIES_DIR: layout.queriesDir,
      CARDQL_CARDS_DIR: layout.cardsDir,
      // The breaker stays open for the whole test once it opens: no probe to wait for or to race with.
      CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA, breaker: { failures: FAILURES_TO_OPEN, halfOpenAfterMs: 600_000 } } }),
      ...env,
    },
    children,
  );
}

const onRedis = () => ({ REDIS_URL, CARDQL_REDIS_KEY_PREFIX: prefix, CARDQL_REDIS_TIMEOUT_MS: '500' });

/**
 * Card requests the upstream received, so far: not readiness probes, nor the drift check's
 * introspection, which each replica sends in the background after it listens and which may land
 * at any point of a test (it did, once undici came to be loaded on a source's first call).
 */
const upstreamCalls = () => upstream.seen.requests.filter((r) => !r.body.query?.includes('CardqlReady') && !r.body.query?.includes('IntrospectionQuery')).length;

async function post(server: Spawned) {
  const response = await fetch(`${server.url}/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardsBody(KEYS)) });
  const body = await response.json();
  return { status: response.status, cards: response.status === 200 ? CardsResponse.parse(body).cards : [] };
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Redis connected, as /readyz reports it: until then a replica answers fresh cards only. */
const storeConnected = (server: Spawned) =>
  until(async () => ((await (await fetch(`${server.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> }).checks['stale-store']?.ok === true, 'the replica to connect to Redis');

const texts = (card: Card) => (card.components ?? []).map((c) => (c as { componentText?: { text: string } }).componentText?.text);
const STALE_NOTICE = /^Last updated \d\d:\d\d UTC · couldn't refresh \(reference [0-9a-f]{8}\)$/;
const logLines = (server: Spawned) => server.stdout().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('two replicas sharing Redis: a card warmed on one is served stale by the other while the source is down', () => {
  it('warm on A; source down; B answers the last good cards marked stale; B\'s breaker opens and then answers without calling the source', async () => {
    const [a, b] = await Promise.all([replica(onRedis()), replica(onRedis())]);
    await Promise.all([storeConnected(a), storeConnected(b)]);

    const warm = await post(a);
    expect(warm.status).toBe(200);
    expect(warm.cards.map((c) => c.components?.length)).not.toContain(undefined);
    await until(async () => (await redis.keys(`${prefix}*`)).length === KEYS.length, "A's write to Redis");

    down = true;
    const callsBefore = upstreamCalls();
    // Each failed call is one attempt and its retry (503 is retriable): until the breaker opens.
    for (let i = 0; i < FAILURES_TO_OPEN; i++) {
      const stale = await post(b);
      expect(stale.status).toBe(200);
      for (const [n, card] of stale.cards.entries()) {
        expect(card.components!.slice(0, -1)).toEqual(warm.cards[n]!.components);
        expect(texts(card).at(-1)).toMatch(STALE_NOTICE);
        expect(card.timeToLiveSeconds).toBe(15);
      }
    }
    expect(upstreamCalls() - callsBefore).toBe(FAILURES_TO_OPEN * 2);

    // Open: B no longer calls the source, and still answers the stale cards.
    const failFast = await post(b);
    expect(failFast.status).toBe(200);
    expect(texts(failFast.cards[0]!).at(-1)).toMatch(STALE_NOTICE);
    expect(upstreamCalls() - callsBefore).toBe(FAILURES_TO_OPEN * 2);
    const messages = logLines(b).map((l) => l.msg);
    expect(messages.indexOf('source circuit breaker open: its cards fail fast (stale when known) until a probe succeeds')).toBeLessThan(messages.lastIndexOf('card failed'));
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/cardql_source_circuit_state\{source="demo"\} 2/);
    expect(metrics).toMatch(/cardql_source_rejected_total\{source="demo",reason="circuit-open"\} 1/);
    expect(metrics).toMatch(/cardql_card_results_total\{card="usage",outcome="stale"\} 3/);
    // A's breaker is its own: it has not seen the source fail.
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/cardql_source_circuit_state\{source="demo"\} 0/);
  }, 60_000);
});

describe('one replica, in process (no Redis): the same, from its own memory', () => {
  it('warm; source down; the same replica answers stale cards, its breaker opens; a replica that never saw the customer answers 503 error cards', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const warm = await post(a);
    expect(warm.status).toBe(200);
    down = true;
    const callsBefore = upstreamCalls();
    for (let i = 0; i < FAILURES_TO_OPEN + 1; i++) {
      const stale = await post(a);
      expect(stale.status).toBe(200);
      expect(stale.cards[0]!.components!.slice(0, -1)).toEqual(warm.cards[0]!.components);
      expect(texts(stale.cards[0]!).at(-1)).toMatch(STALE_NOTICE);
    }
    expect(upstreamCalls() - callsBefore).toBe(FAILURES_TO_OPEN * 2);
    // Memory is per process: B has nothing to show, so every card fails and Plain is told to retry.
    expect((await post(b)).status).toBe(503);
  }, 60_000);
});
