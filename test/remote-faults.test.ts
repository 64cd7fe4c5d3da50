// A remote source's faults (errors, timeouts, redirects, oversize answers) become error cards beside healthy ones.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../src/demo/sqlite.ts';
import { CardsResponse, type Card } from '../src/plain/cards-response.ts';
import { resolvers } from '../src/demo/resolvers.ts';
import type { UpstreamRequestEvent } from '../src/telemetry.ts';
import { ALEX, cardsBody, createTestApp, plainRequest, seededDatabase, type TestApp } from './support/app.ts';
import { cardsLayout, cardTraffic, DEMO_SCHEMA, refusedUrl, sourcesFile, startScriptedUpstream, startYogaUpstream, type Script, type TestUpstream } from './support/remote.ts';

/**
 * Generous, so that a fault is always known (an error card) long before it, however busy the
 * machine: the tests assert which of the two came first, never how long anything took.
 */
const DEADLINE_MS = 5_000;
/** For the one test that waits for the deadline itself. */
const SHORT_DEADLINE_MS = 300;
const REMOTE = ['usage', 'plan-details'];
const LOCAL = ['customer-details'];

let db: SqliteDatabase;
beforeAll(() => {
  db = seededDatabase();
});
afterAll(() => db.close());

const running: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

/** An app with REMOTE on the source `demo` at `url` and LOCAL in-process, on DEADLINE_MS. */
async function appOn(url: string, source: Record<string, unknown> = {}, deadlineMs = DEADLINE_MS) {
  const events: UpstreamRequestEvent[] = [];
  const layout = cardsLayout({ remote: REMOTE, local: LOCAL });
  const app = await createTestApp(
    {
      CARDQL_SOURCES: sourcesFile({ demo: { url, schema: DEMO_SCHEMA, ...source } }),
      CARDQL_QUERIES_DIR: layout.queriesDir,
      CARDQL_CARDS_DIR: layout.cardsDir,
      CARDQL_DEADLINE_MS: String(deadlineMs),
    },
    { db, telemetry: { cardsRequest() {}, upstreamRequest: (event) => void events.push(event) } },
  );
  running.push(app);
  return { app, events };
}

async function upstreamWith(script: Script): Promise<TestUpstream> {
  const upstream = await startScriptedUpstream(script, db);
  running.push(upstream);
  return upstream;
}

async function post(app: TestApp, keys = [...LOCAL, ...REMOTE]) {
  const response = await app.fetch(plainRequest(cardsBody(keys)));
  const json = await response.json();
  return { status: response.status, json, cards: response.status === 200 ? CardsResponse.parse(json).cards : [] };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  void response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const ERROR_TEXT = /^This card couldn't be loaded\. Reference: [0-9a-f]{8}$/;
const TIMEOUT_TEXT = /^This card took too long to load\. Reference: [0-9a-f]{8}$/;
const textOf = (card: Card | undefined) => (card?.components?.[0] as { componentText?: { text: string } } | undefined)?.componentText?.text;

/** The cause logged for a failed card, found by the reference its error card shows. */
function causeOf(app: TestApp, card: Card | undefined): string {
  const reference = /Reference: ([0-9a-f]{8})/.exec(textOf(card) ?? '')?.[1];
  const line = app.logs().find((l) => l.msg === 'card failed' && l.reference === reference);
  // What the log says of the cause: cardql's own words only (log.ts), never an upstream's message.
  const errors = (line?.err as { errors?: Array<{ message?: string; path?: string }> } | undefined)?.errors ?? [];
  return errors.map((e) => e.message ?? `at ${e.path}`).join('; ');
}

describe('a remote source that fails: its cards become error cards beside healthy ones, within the deadline', () => {
  it.each<[string, () => Promise<string>, { cause: RegExp; attempts: number; source?: Record<string, unknown> }]>([
    ['refuses connections', refusedUrl, { cause: /could not be reached: \w+ \(ECONNREFUSED\).*after a retry/, attempts: 2 }],
    ['answers 500, twice', async () => (await upstreamWith((res) => json(res, 500, { errors: [{ message: 'database down' }] }))).url, { cause: /answered HTTP 500 \(after a retry/, attempts: 2 }],
    ['answers a 502 HTML page', async () => (await upstreamWith((res) => void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'))).url, { cause: /answered HTTP 502/, attempts: 2 }],
    ['answers 429 with a Retry-After beyond the deadline', async () => (await upstreamWith((res) => json(res, 429, {}, { 'retry-after': '30' }))).url, { cause: /HTTP 429 \(not retried: the deadline leaves no room\)/, attempts: 1 }],
    ['answers invalid JSON', async () => (await upstreamWith((res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": {"_v0_customer": '))).url, { cause: /answered HTTP 200: expected a JSON GraphQL response, received a body that is not JSON: 26 bytes of broken JSON$/, attempts: 1 }],
    ['answers an HTML page with 200', async () => (await upstreamWith((res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Login</html>'))).url, { cause: /expected a JSON body \(application\/json or application\/graphql-response\+json\), received text\/html/, attempts: 1 }],
    ['answers JSON that is not a GraphQL response', async () => (await upstreamWith((res) => json(res, 200, { data: 'alex@grocery.co' }))).url, { cause: /expected a GraphQL response \{ data\?, errors\? \}, received \{ data: string \}/, attempts: 1 }],
    ['is slower than its own timeout', async () => (await upstreamWith((res) => void setTimeout(() => json(res, 200, { data: {} }), 2_000).unref())).url, { cause: /did not answer within its 100 ms timeout/, attempts: 1, source: { timeoutMs: 100 } }],
  ])('when it %s', async (_what, urlOf, { cause, attempts, source }) => {
    const { app, events } = await appOn(await urlOf(), source);
    const { status, cards } = await post(app);
    expect(status).toBe(200);
    expect(cards.map((card) => card.key)).toEqual([...LOCAL, ...REMOTE]);
    expect(JSON.stringify(cards[0])).toContain('Alex Johnson');
    for (const card of cards.slice(1)) {
      expect(card.timeToLiveSeconds).toBe(15);
      // An error card, not a timeout card: the failure was known before the deadline (the order of events, not a stopwatch).
      expect(textOf(card)).toMatch(ERROR_TEXT);
      expect(causeOf(app, card)).toMatch(cause);
    }
    // One merged operation per attempt, for both remote cards.
    expect(events.map((e) => e.attempt)).toEqual(attempts === 2 ? [1, 2] : [1]);
    expect(app.rawLogs()).not.toContain(ALEX.email);
  });

  it('times the card out at the deadline when the source is slower than the deadline, and hangs up on the source', async () => {
    let hungUp: Promise<boolean> | undefined;
    const upstream = await upstreamWith((res) => {
      // Resolves with whether the answer was sent when the connection closed: false means cardql hung up first.
      hungUp = new Promise((done) => res.on('close', () => done(!res.writableFinished)));
      setTimeout(() => json(res, 200, { data: {} }), 60_000).unref();
    });
    const { app } = await appOn(upstream.url, {}, SHORT_DEADLINE_MS);
    const { status, cards } = await post(app);
    expect(status).toBe(200);
    expect(JSON.stringify(cards[0])).toContain('Alex Johnson');
    for (const card of cards.slice(1)) expect(textOf(card)).toMatch(TIMEOUT_TEXT);
    expect(await hungUp).toBe(true);
  });

  it('retries once after a 429 and answers every card', async () => {
    const upstream = await upstreamWith((res, n, pass) => (n === 0 ? json(res, 429, { errors: [{ message: 'slow down' }] }) : pass()));
    const { app, events } = await appOn(upstream.url);
    const { status, cards } = await post(app);
    expect(status).toBe(200);
    expect(events.map(({ status: s, attempt }) => [s, attempt])).toEqual([[429, 1], [200, 2]]);
    expect(cardTraffic(upstream.seen)).toHaveLength(2);
    const healthy = await post((await appOn((await upstreamWith((res, _n, pass) => pass())).url)).app);
    expect(cards).toEqual(healthy.cards);
  });

  it('answers 503 when every requested card failed, so that Plain retries', async () => {
    const { app } = await appOn(await refusedUrl());
    const { status, json: body } = await post(app, REMOTE);
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: { code: 'CARDS_UNAVAILABLE' } });
  });
});

describe('a source that redirects', () => {
  it.each([307, 308, 301, 302])('fails the call on a %i, naming the status and the Location, and never sends the secret header to where it points', async (code) => {
    const elsewhere = await upstreamWith((res) => json(res, 200, { data: {} }));
    const upstream = await upstreamWith((res) => void res.writeHead(code, { location: `${elsewhere.url}?token=t0k` }).end());
    const { app, events } = await appOn(upstream.url, { headers: { 'X-Api-Key': 'secret-k3y' } });
    const { cards } = await post(app);
    for (const card of cards.slice(1)) {
      expect(textOf(card)).toMatch(ERROR_TEXT);
      expect(causeOf(app, card)).toMatch(new RegExp(`answered HTTP ${code}, a redirect to "${elsewhere.url.replace(/[./]/g, '\\$&')}": cardql does not follow redirects`));
    }
    expect(elsewhere.seen.requests).toHaveLength(0);
    expect(events.map((e) => e.attempt)).toEqual([1]);
    // The Location's query string may hold a token: not logged.
    expect(app.rawLogs()).not.toContain('t0k');
  });
});

describe('a source that redirects, opted in to same-origin redirects', () => {
  const SAME_ORIGIN = { followRedirects: 'same-origin' };

  it('follows a 307 to the same origin, keeping the POST, and answers every card', async () => {
    const upstream = await upstreamWith((res, n, pass) => (n === 0 ? void res.writeHead(307, { location: '/graphql-moved' }).end() : pass()));
    const { app, events } = await appOn(upstream.url, SAME_ORIGIN);
    const { cards } = await post(app);
    expect(JSON.stringify(cards[2])).toContain('Growth');
    expect(cardTraffic(upstream.seen)).toHaveLength(2);
    expect(events.map((e) => e.attempt)).toEqual([1]);
  });

  it('still refuses a redirect to another origin', async () => {
    const elsewhere = await upstreamWith((res) => json(res, 200, { data: {} }));
    const upstream = await upstreamWith((res) => void res.writeHead(307, { location: elsewhere.url }).end());
    const { app } = await appOn(upstream.url, SAME_ORIGIN);
    const { cards } = await post(app);
    expect(causeOf(app, cards[1])).toMatch(/answered HTTP 307, a redirect to .*: cardql follows only a 307\/308 to the same origin, at most 3 times/);
    expect(elsewhere.seen.requests).toHaveLength(0);
  });

  it('stops a redirect loop after 3 hops', async () => {
    const upstream = await upstreamWith((res) => void res.writeHead(308, { location: '/graphql' }).end());
    const { app } = await appOn(upstream.url, SAME_ORIGIN);
    const { cards } = await post(app);
    expect(textOf(cards[1])).toMatch(ERROR_TEXT);
    expect(cardTraffic(upstream.seen)).toHaveLength(4);
  });
});

describe('a source that answers more than its size cap', () => {
  const CAP = 64 * 1024;

  it('stops reading an endless body past the cap and hangs up on it', async () => {
    let written = 0;
    let hungUp: Promise<boolean> | undefined;
    const upstream = await upstreamWith((res) => {
      hungUp = new Promise((done) => res.on('close', () => done(!res.writableFinished)));
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = () => {
        while (!res.destroyed && res.write(Buffer.alloc(16 * 1024, 0x20))) written += 16 * 1024;
      };
      res.on('drain', more);
      res.write('{"data": {"x": "');
      more();
    });
    const { app } = await appOn(upstream.url, { maxResponseBytes: CAP });
    const { cards } = await post(app);
    for (const card of cards.slice(1)) expect(causeOf(app, card)).toMatch(new RegExp(`answered HTTP 200 with a body larger than its cap of ${CAP} bytes .*stopped reading`));
    // cardql cancelled the stream: the upstream saw its connection closed before it finished.
    expect(await hungUp).toBe(true);
    // What the upstream managed to write is the cap plus socket buffers, not an unbounded stream.
    expect(written).toBeLessThan(CAP + 16 * 1024 * 1024);
  });

  it('counts the decompressed bytes: a gzip bomb smaller than the cap fails as too large', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"data": {"x": "'), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from('"}}')]));
    expect(bomb.byteLength).toBeLessThan(CAP);
    const upstream = await upstreamWith((res) => void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb));
    const { app } = await appOn(upstream.url, { maxResponseBytes: CAP });
    const { cards } = await post(app);
    for (const card of cards.slice(1)) expect(causeOf(app, card)).toMatch(/with a body larger than its cap of 65536 bytes \(maxResponseBytes; counted decompressed\): it sent more/);
  });

  it('fails at once on a declared Content-Length beyond the cap', async () => {
    const upstream = await upstreamWith((res) => void res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(CAP + 1) }).end(`{"data":{"x":"${' '.repeat(CAP - 11)}"}}`));
    const { app } = await appOn(upstream.url, { maxResponseBytes: CAP });
    const { cards } = await post(app);
    for (const card of cards.slice(1)) expect(causeOf(app, card)).toMatch(/it declares 65537 bytes; stopped reading/);
  });

  it('reads a body within the cap as before', async () => {
    const upstream = await upstreamWith((_res, _n, pass) => pass());
    const { app } = await appOn(upstream.url, { maxResponseBytes: CAP });
    const { cards } = await post(app);
    expect(JSON.stringify(cards[2])).toContain('Growth');
  });
});

describe('GraphQL errors with partial data', () => {
  it('fail only the card whose fields they belong to; the other cards of the same merged request are answered', async () => {
    const failing = makeExecutableSchema({
      typeDefs: buildSchema(readFileSync('schema.graphql', 'utf8')),
      resolvers: [resolvers, { Customer: { usage: () => Promise.reject(new Error('usage service unavailable')) } }],
    });
    const upstream = await startYogaUpstream(failing, db);
    running.push(upstream);
    const { app } = await appOn(upstream.url);
    const { status, cards } = await post(app);
    expect(status).toBe(200);
    expect(cardTraffic(upstream.seen)).toHaveLength(1);
    const [details, usage, plan] = cards;
    expect(JSON.stringify(details)).toContain('Alex Johnson');
    expect(textOf(usage)).toMatch(ERROR_TEXT);
    expect(causeOf(app, usage)).toMatch(/at customer\.usage/);
    expect(app.rawLogs()).not.toContain('usage service unavailable');
    expect(JSON.stringify(plan)).toContain('Growth');
  });
});

describe('a source used outside a card request (readiness, GraphiQL)', () => {
  it('is bounded by the source timeout: ready() rejects when the source does not answer in time', async () => {
    const upstream = await upstreamWith((res) => void setTimeout(() => json(res, 200, { data: { __typename: 'Query' } }), 5_000).unref());
    const { app } = await appOn(upstream.url, { timeoutMs: 150 });
    await expect(app.sources.get('demo')!.ready!(new AbortController().signal)).rejects.toThrow(/did not answer within its 150 ms timeout/);
  });

  it('is ready when the source answers a trivial query', async () => {
    const upstream = await upstreamWith((_res, _n, pass) => pass());
    const { app } = await appOn(upstream.url);
    await expect(app.sources.get('demo')!.ready!(new AbortController().signal)).resolves.toBeUndefined();
  });
});
