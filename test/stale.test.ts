// Last good cards: a failed card answered stale from memory or a real Redis, and answers kept when Redis is down.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase as Database } from '../src/demo/sqlite.ts';
import { createLogger } from '../src/log.ts';
import { CardsResponse, type Card } from '../src/plain/cards-response.ts';
import { failedCard, type CardResult } from '../src/resolve/card-result.ts';
import { createLastGood, formatWhen } from '../src/stale/last-good.ts';
import { createRedisStore } from '../src/stale/redis-store.ts';
import { createMemoryStore, type StaleStore } from '../src/stale/stale-store.ts';
import type { Registry, RegisteredCard } from '../src/registry/registry.ts';
import { ALEX, cardsBody, createTestApp, plainRequest, seededDatabase } from './support/app.ts';
import { cardsLayout, DEMO_SCHEMA, refusedUrl, sourcesFile, startScriptedUpstream } from './support/remote.ts';

const REDIS_URL = process.env.CARDQL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOON = Date.parse('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;

const registry: Registry = new Map([
  ['usage', { key: 'usage', variables: { names: ['email'], withDefault: new Set() } } as unknown as RegisteredCard],
  ['per-thread', { key: 'per-thread', variables: { names: ['customerId', 'threadId'], withDefault: new Set() } } as unknown as RegisteredCard],
]);
const request = (customer = ALEX, thread: { id: string; externalId: null } | null = null) => ({ cardKeys: ['usage'], customer, thread, tenant: null });
const ok = (key: string, text: string): CardResult => ({ key, outcome: 'ok', durationMs: 1, card: { key, timeToLiveSeconds: 300, components: [{ componentText: { text } }] } });
const noData = (key: string): CardResult => ({ key, outcome: 'no-data', durationMs: 1, card: { key, timeToLiveSeconds: null, components: null } });
const failed = (key: string) => failedCard(key, 'error', new Error('source down'), 5);
const texts = (card: Card) => (card.components ?? []).map((c) => (c as { componentText?: { text: string } }).componentText?.text);

function lastGoodAt(clock: { now: number }, store: StaleStore = createMemoryStore({ maxBytes: 1 << 20, maxAgeMs: 24 * HOUR })) {
  return createLastGood({ store, registry, maxAgeMs: 24 * HOUR, now: () => clock.now });
}

describe('last good card: a failed card is answered with its last good components, marked stale', () => {
  it('answers the components last answered for the same customer and card, with a muted "Last updated" line and a short TTL', async () => {
    const clock = { now: NOON - 78 * 60_000 };
    const lastGood = lastGoodAt(clock);
    await lastGood.settle([ok('usage', 'Seats 3/5')], request(), 'w_1');
    clock.now = NOON;
    const [result] = await lastGood.settle([failed('usage')], request(), 'w_1');
    expect(result!.outcome).toBe('stale');
    expect(result!.card.timeToLiveSeconds).toBe(15);
    expect(texts(result!.card)).toEqual(['Seats 3/5', `Last updated 10:42 UTC · couldn't refresh (reference ${result!.reference})`]);
    expect(result!.card.components!.at(-1)).toMatchObject({ componentText: { textSize: 'S', textColor: 'MUTED' } });
  });

  it.each<[string, () => CardResult[], Parameters<typeof request>, string | null, number]>([
    ['a customer never seen', () => [], [], 'w_1', 0],
    ['another customer', () => [ok('usage', 'Seats 3/5')], [{ ...ALEX, id: 'c_other', email: 'other@example.com' }], 'w_1', 0],
    ['another workspace', () => [ok('usage', 'Seats 3/5')], [], 'w_2', 0],
    ['a card whose last answer had no data', () => [noData('usage')], [], 'w_1', 0],
    ['a last answer older than the maximum age', () => [ok('usage', 'Seats 3/5')], [], 'w_1', 24 * HOUR + 1],
  ])('keeps the error card for %s (never invented data)', async (_what, warm, [customer], workspace, later) => {
    const clock = { now: NOON };
    const lastGood = lastGoodAt(clock);
    await lastGood.settle(warm(), request(), 'w_1');
    clock.now += later;
    const [result] = await lastGood.settle([failed('usage')], request(customer), workspace);
    expect(result!.outcome).toBe('error');
  });

  it('keys a card by the inputs its query declares: a per-thread card is not served on another thread', async () => {
    const lastGood = lastGoodAt({ now: NOON });
    await lastGood.settle([ok('per-thread', 'on thread A')], request(ALEX, { id: 'th_A', externalId: null }), 'w_1');
    const [other] = await lastGood.settle([failed('per-thread')], request(ALEX, { id: 'th_B', externalId: null }), 'w_1');
    const [same] = await lastGood.settle([failed('per-thread')], request(ALEX, { id: 'th_A', externalId: null }), 'w_1');
    expect([other!.outcome, same!.outcome]).toEqual(['error', 'stale']);
  });

  it('a newer success replaces the older one, and a later "no data" stops the old components from being shown', async () => {
    const lastGood = lastGoodAt({ now: NOON });
    await lastGood.settle([ok('usage', 'old')], request(), 'w_1');
    await lastGood.settle([ok('usage', 'new')], request(), 'w_1');
    expect(texts((await lastGood.settle([failed('usage')], request(), 'w_1'))[0]!.card)[0]).toBe('new');
    await lastGood.settle([noData('usage')], request(), 'w_1');
    expect((await lastGood.settle([failed('usage')], request(), 'w_1'))[0]!.outcome).toBe('error');
  });

  it('reads the store only when a card failed', async () => {
    const reads: string[][] = [];
    const memory = createMemoryStore({ maxBytes: 1 << 20, maxAgeMs: HOUR });
    const lastGood = lastGoodAt({ now: NOON }, { ...memory, read: (keys) => (reads.push([...keys]), memory.read(keys)) });
    await lastGood.settle([ok('usage', 'a'), ok('per-thread', 'b')], request(), 'w_1');
    expect(reads).toEqual([]);
    await lastGood.settle([failed('usage'), ok('per-thread', 'b')], request(), 'w_1');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toHaveLength(1);
  });

  it('the in-process store is bounded in bytes: the least recently used cards go first', async () => {
    const store = createMemoryStore({ maxBytes: 2_000, maxAgeMs: HOUR });
    const big = (n: number) => ({ components: [{ componentText: { text: `${n}`.padEnd(600, '.') } }], storedAt: NOON });
    store.write([['a', big(1)], ['b', big(2)], ['c', big(3)], ['d', big(4)]]);
    const kept = await store.read(['a', 'b', 'c', 'd']);
    expect(kept.map((entry) => entry !== undefined)).toEqual([false, true, true, true]);
  });

  it('keeps the components as they were answered: the stored copy does not follow later changes to the answered objects', async () => {
    const store = createMemoryStore({ maxBytes: 1 << 20, maxAgeMs: HOUR });
    const components = [{ componentText: { text: 'Seats 3/5' } }];
    store.write([['a', { components, storedAt: NOON }], ['b', { components: null, storedAt: NOON }]]);
    components[0]!.componentText.text = 'changed after';
    expect(await store.read(['a', 'b'])).toEqual([{ components: [{ componentText: { text: 'Seats 3/5' } }], storedAt: NOON }, { components: null, storedAt: NOON }]);
  });

  it('counts an entry at its JSON length: 4 entries of about 600 bytes do not fit in 2,000', async () => {
    const store = createMemoryStore({ maxBytes: 2_000, maxAgeMs: HOUR });
    const entry = (text: string) => ({ components: [{ componentText: { text } }], storedAt: NOON });
    store.write([['a', entry('x'.repeat(560))], ['b', entry('y'.repeat(560))], ['c', entry('z'.repeat(560))]]);
    expect((await store.read(['a', 'b', 'c'])).every((e) => e !== undefined)).toBe(true);
    store.write([['d', entry('w'.repeat(560))]]);
    expect((await store.read(['a', 'b', 'c', 'd'])).map((e) => e !== undefined)).toEqual([false, true, true, true]);
  });

  it.each([
    [NOON - 78 * 60_000, '10:42 UTC'],
    [NOON - 20 * HOUR, '25 Nov 16:00 UTC'],
  ])('says when: %s → %s', (at, expected) => {
    expect(formatWhen(at, NOON)).toBe(expected);
  });
});

describe('last good cards on Redis (real Redis, a random key prefix per run)', () => {
  const prefix = `cardql-test:${randomBytes(6).toString('hex')}:`;
  let admin: Redis;
  const stores: StaleStore[] = [];
  beforeAll(() => {
    admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  const servers: ChildProcess[] = [];
  afterAll(async () => {
    for (const server of servers) if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await Promise.all(stores.map((s) => s.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  function redisStore(lines: string[] = [], url = REDIS_URL, events?: Parameters<typeof createRedisStore>[0]['events']) {
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const store = createRedisStore({ url, keyPrefix: prefix, timeoutMs: 500, maxAgeMs: HOUR, keySecret: 'test-secret', logger, ...(events && { events }) });
    stores.push(store);
    return store;
  }
  const connected = async (store: StaleStore) => {
    for (let i = 0; i < 200 && store.problem() !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('a card stored by one replica is served stale by another; keys hold no customer data; values expire with the maximum age', async () => {
    const trips: string[] = [];
    const a = redisStore([], REDIS_URL, { roundTrip: (op) => void trips.push(op), state() {} });
    const b = redisStore();
    await Promise.all([connected(a), connected(b)]);
    await createLastGood({ store: a, registry, maxAgeMs: HOUR, now: () => NOON }).settle([ok('usage', 'Seats 3/5'), ok('per-thread', 'x')], request(), 'w_1');
    for (let i = 0; i < 100 && trips.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(trips).toEqual(['write']);
    const [served] = await createLastGood({ store: b, registry, maxAgeMs: HOUR, now: () => NOON + 60_000 }).settle([failed('usage')], request(), 'w_1');
    expect(served!.outcome).toBe('stale');
    expect(texts(served!.card)[0]).toBe('Seats 3/5');
    const keys = await admin.keys(`${prefix}*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).not.toMatch(/alex|grocery|c_01GW|w_1|usage/i);
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HOUR);
    }
  });

  it('closing a connected store (shutdown) is not logged as an outage', async () => {
    const lines: string[] = [];
    const store = redisStore(lines);
    await connected(store);
    await store.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.filter((l) => l.includes('unavailable'))).toEqual([]);
  });

  it('a Redis that goes away and comes back is logged once each way, and serves again after', async () => {
    const port = Number(new URL((await refusedUrl()).replace('/graphql', '')).port);
    const start = async () => {
      const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      servers.push(server);
      // Listening before the store connects: otherwise its first attempt is (rightly) logged as an outage.
      for (let i = 0; i < 300; i++) {
        const listening = await new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
          socket.on('error', () => resolve(false));
        });
        if (listening) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      return server;
    };
    const lines: string[] = [];
    let server = await start();
    const store = redisStore(lines, `redis://127.0.0.1:${port}`);
    await connected(store);
    server.kill('SIGKILL');
    for (let i = 0; i < 200 && store.problem() === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.problem()).toMatch(/Redis not connected/);
    await new Promise((r) => setTimeout(r, 500)); // several failed reconnections meanwhile
    server = await start();
    await connected(store);
    expect(store.problem()).toBeUndefined();
    const said = lines.map((l) => JSON.parse(l) as { msg: string }).map((l) => l.msg.replace(/:.*/, ''));
    expect(said).toEqual(['stale-card store (Redis) connected', 'stale-card store (Redis) unavailable', 'stale-card store (Redis) available again']);
  });

  it('Redis down: reads are misses at once (fresh cards, no stale ones), the store reports why, and the outage is logged once', async () => {
    const lines: string[] = [];
    const store = redisStore(lines, (await refusedUrl()).replace('http://', 'redis://').replace('/graphql', ''));
    const lastGood = createLastGood({ store, registry, maxAgeMs: HOUR, now: () => NOON });
    for (let i = 0; i < 3; i++) {
      const [result] = await lastGood.settle([failed('usage')], request(), 'w_1');
      expect(result!.outcome).toBe('error');
    }
    await new Promise((r) => setTimeout(r, 500)); // reconnection attempts happen meanwhile
    expect(store.problem()).toMatch(/Redis not connected/);
    expect(lines.filter((l) => l.includes('stale-card store (Redis) unavailable'))).toHaveLength(1);
  });
});

describe('an app with a failing remote source answers its cards stale, 200, once they were good', () => {
  let db: Database;
  beforeAll(() => {
    db = seededDatabase();
  });
  afterAll(() => db.close());

  it('warm, then the source answers 500: the same request gets the last good cards, marked stale; a new customer gets error cards', async () => {
    let down = false;
    const upstream = await startScriptedUpstream((response, _index, pass) => (down ? void response.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"down"}]}') : pass()), db);
    const layout = cardsLayout({ remote: ['usage', 'plan-details'] });
    const app = await createTestApp(
      { CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir },
      { db },
    );
    try {
      const body = cardsBody(['usage', 'plan-details']);
      const warm = CardsResponse.parse(await (await app.fetch(plainRequest(body))).json()).cards;
      down = true;
      const response = await app.fetch(plainRequest(body));
      expect(response.status).toBe(200);
      const stale = CardsResponse.parse(await response.json()).cards;
      for (const [i, card] of stale.entries()) {
        expect(card.components!.slice(0, -1)).toEqual(warm[i]!.components);
        expect(texts(card).at(-1)).toMatch(/^Last updated \d\d:\d\d UTC · couldn't refresh \(reference [0-9a-f]{8}\)$/);
      }
      expect(app.logs().filter((l) => l.msg === 'card failed').map((l) => l.outcome)).toEqual(['stale', 'stale']);
      const stranger = await app.fetch(plainRequest(cardsBody(['usage'], { id: 'c_new', email: 'casey@canceled.example', externalId: null })));
      expect(stranger.status).toBe(503);
    } finally {
      await app.close();
      await upstream.close();
    }
  });
});

describe('an app whose Redis is down keeps answering, and says so', () => {
  it('answers cards fresh; /readyz stays 200 listing stale-store under degraded; cardql_stale_store_up is 0; logged once', async () => {
    const url = (await refusedUrl()).replace('http://', 'redis://').replace('/graphql', '');
    const app = await createTestApp({ REDIS_URL: url, CARDQL_METRICS_TOKEN: 'm' });
    try {
      for (let i = 0; i < 3; i++) expect((await app.fetch(plainRequest(cardsBody(['usage'])))).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const ready = await app.fetch(new Request('http://cardql.test/readyz'));
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { status: string; failing: string[]; degraded?: string[]; checks: Record<string, { ok: boolean; message?: string; required?: boolean }> };
      expect(body).toMatchObject({ status: 'ready', failing: [], degraded: ['stale-store'] });
      expect(body.checks['stale-store']).toMatchObject({ ok: false, required: false, message: expect.stringMatching(/^Redis not connected/) });
      expect(JSON.stringify(body)).not.toContain(url);
      const metrics = await (await app.fetch(new Request('http://cardql.test/metrics', { headers: { authorization: 'Bearer m' } }))).text();
      expect(metrics).toMatch(/^cardql_stale_store_up\{store="redis"\} 0$/m);
      expect(app.logs().filter((l) => String(l.msg).startsWith('stale-card store (Redis) unavailable'))).toHaveLength(1);
    } finally {
      await app.close();
    }
    expect(app.logs().filter((l) => String(l.msg).startsWith('stale-card store (Redis)'))).toHaveLength(1);
  });
});
