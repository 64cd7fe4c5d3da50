// GET /metrics: request, card and upstream series, gated in production, with label values bounded.
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSource } from '../src/execution/local.ts';
import { demoContext } from '../src/demo/index.ts';
import { createMetrics, OTHER } from '../src/metrics/metrics.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { resolvers } from '../src/demo/resolvers.ts';
import type { CardsRequestEvent, Telemetry } from '../src/telemetry.ts';
import { ALEX, cardsBody, createTestApp, DEMO_KEYS, plainRequest, seededDatabase, type TestApp } from './support/app.ts';

// One seeded database for every app of this file: seeding is the slow part of creating an app.
const db = seededDatabase();
afterAll(() => db.close());

/** The value of one sample of Prometheus text format, or undefined when the series does not exist. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((pair) => present.includes(pair)) && present.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

async function scrape(app: TestApp, headers: Record<string, string> = {}) {
  const response = await app.fetch(new Request('http://cardql.test/metrics', { headers }));
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('GET /metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({}, { db });
  });
  afterAll(() => app.close());

  it('serves the Prometheus text format', async () => {
    const { status, type, text } = await scrape(app);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE cardql_http_requests_total counter');
    expect(text).toContain('# TYPE cardql_card_duration_seconds histogram');
  });

  it('counts every request by route and status, and times it', async () => {
    const before = (await scrape(app)).text;
    const count = (text: string, route: string, status: string) => sample(text, 'cardql_http_requests_total', { route, status }) ?? 0;
    await app.fetch(plainRequest(cardsBody(['usage'])));
    await app.fetch(plainRequest(cardsBody(['usage'])));
    await app.fetch(plainRequest(null, { raw: '{not json' }));
    await app.fetch(new Request('http://cardql.test/cards'));
    await app.fetch(new Request('http://cardql.test/healthz'));
    const after = (await scrape(app)).text;
    expect([
      count(after, '/cards', '200') - count(before, '/cards', '200'),
      count(after, '/cards', '400') - count(before, '/cards', '400'),
      count(after, '/cards', '405') - count(before, '/cards', '405'),
      count(after, '/healthz', '200') - count(before, '/healthz', '200'),
    ]).toEqual([2, 1, 1, 1]);
    expect(sample(after, 'cardql_http_request_duration_seconds_count', { route: '/cards', status: '200' })).toBe(count(after, '/cards', '200'));
    expect(sample(after, 'cardql_http_request_duration_seconds_sum', { route: '/cards', status: '200' })).toBeGreaterThan(0);
  });

  it('counts requests to unknown paths under route="unmatched", never under the path a caller chose', async () => {
    await app.fetch(new Request('http://cardql.test/customers/alex@grocery.co'));
    const { text } = await scrape(app);
    expect(sample(text, 'cardql_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('/customers');
  });

  it('creates no series for card keys that are not registered', async () => {
    await app.fetch(plainRequest(cardsBody(['usage', 'no-such-card', 'x'.repeat(400)])));
    const { text } = await scrape(app);
    expect(sample(text, 'cardql_card_results_total', { card: 'usage', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('no-such-card');
    expect(text).not.toContain('xxxxxxxx');
  });

  it('never holds customer data: no email, customer id or external id of any request', async () => {
    const customer = { id: 'c_METRICS_PRIVATE', email: 'private.person@metrics.example', externalId: 'ext-metrics-private' };
    await app.fetch(plainRequest({ ...cardsBody(DEMO_KEYS, customer), thread: { id: 'th_METRICS_PRIVATE', externalId: null } }));
    await app.fetch(plainRequest(cardsBody(DEMO_KEYS)));
    const { text } = await scrape(app);
    for (const secret of [customer.id, customer.email, customer.externalId, 'th_METRICS_PRIVATE', ALEX.email, ALEX.id, ALEX.externalId, 'w_01TEST']) {
      expect(text).not.toContain(secret);
    }
  });

  it.each(['POST', 'DELETE'])('answers %s with 405 and the JSON error shape', async (method) => {
    const response = await app.fetch(new Request('http://cardql.test/metrics', { method }));
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: `Expected GET, received ${method}` } });
  });
});

describe('per-card metrics', () => {
  /** Long enough for the healthy card on a busy machine. */
  const DEADLINE_MS = 2_000;
  let app: TestApp;
  beforeAll(async () => {
    // The failing-cards fixtures: Customer.company throws, Customer.orders never answers.
    const schema = makeExecutableSchema({
      typeDefs: readFileSync('schema.graphql', 'utf8'),
      resolvers: [
        resolvers,
        {
          Customer: {
            company: () => {
              throw new Error('boom');
            },
            orders: () => new Promise(() => {}),
          },
        },
      ],
    });
    app = await createTestApp(
      { CARDQL_QUERIES_DIR: 'test/fixtures/failing-cards/queries', CARDQL_CARDS_DIR: 'test/fixtures/failing-cards/mappers', CARDQL_DEADLINE_MS: String(DEADLINE_MS) },
      { db, sources: [createLocalSource({ schema, createContext: demoContext(db) })] },
    );
  });
  afterAll(() => app.close());

  it('counts each outcome under its card key and times it', async () => {
    const nobody = { id: 'c_NOBODY', email: 'nobody@nowhere.example', externalId: null };
    const answered = await app.fetch(plainRequest(cardsBody(['healthy', 'resolver-throws', 'slow'])));
    expect(CardsResponse.parse(await answered.json()).cards).toHaveLength(3);
    await app.fetch(plainRequest(cardsBody(['healthy'], nobody)));
    const { text } = await scrape(app);
    const results = (card: string, outcome: string) => sample(text, 'cardql_card_results_total', { card, outcome });
    expect([results('healthy', 'ok'), results('healthy', 'no-data'), results('resolver-throws', 'error'), results('slow', 'timeout')]).toEqual([1, 1, 1, 1]);
    expect(sample(text, 'cardql_card_duration_seconds_count', { card: 'slow', outcome: 'timeout' })).toBe(1);
    // The timeout is observed at the deadline (2 s, less the response margin), never before it: not in the buckets up to 1 s.
    expect(sample(text, 'cardql_card_duration_seconds_bucket', { le: '1', card: 'slow', outcome: 'timeout' })).toBe(0);
    expect(sample(text, 'cardql_card_duration_seconds_bucket', { le: '+Inf', card: 'slow', outcome: 'timeout' })).toBe(1);
  });

  it('counts the 503 answered when every card of a request failed', async () => {
    const response = await app.fetch(plainRequest(cardsBody(['resolver-throws'])));
    expect(response.status).toBe(503);
    const { text } = await scrape(app);
    expect(sample(text, 'cardql_http_requests_total', { route: '/cards', status: '503' })).toBe(1);
  });
});

describe('upstream requests (reported by remote sources through Telemetry.upstreamRequest)', () => {
  it('counts them by source and status, retries apart, and times them', async () => {
    const metrics = createMetrics({ cards: new Set(), sources: new Set(['billing']) });
    const report = (status: number | 'network', attempt = 1) => metrics.telemetry.upstreamRequest({ source: 'billing', status, durationMs: 40, attempt });
    report(200);
    report(200);
    report(503);
    report('network');
    report(200, 2);
    const text = await metrics.registry.metrics();
    const requests = (status: string) => sample(text, 'cardql_upstream_requests_total', { source: 'billing', status });
    expect([requests('200'), requests('503'), requests('network')]).toEqual([3, 1, 1]);
    expect(sample(text, 'cardql_upstream_retries_total', { source: 'billing' })).toBe(1);
    expect(sample(text, 'cardql_upstream_request_duration_seconds_count', { source: 'billing' })).toBe(5);
    expect(sample(text, 'cardql_upstream_request_duration_seconds_sum', { source: 'billing' })).toBeCloseTo(0.2);
  });

});

describe('label values are bounded: only configured names and HTTP statuses become series', () => {
  type Case = [string, (metrics: ReturnType<typeof createMetrics>) => void, string, Record<string, string>];
  it.each<Case>([
    ['a source that is not configured', (m) => m.telemetry.upstreamRequest({ source: 'made-up', status: 200, durationMs: 1, attempt: 1 }), 'cardql_upstream_requests_total', { source: OTHER, status: '200' }],
    ['an upstream status that is not an HTTP status', (m) => m.telemetry.upstreamRequest({ source: 'billing', status: 42, durationMs: 1, attempt: 1 }), 'cardql_upstream_requests_total', { source: 'billing', status: OTHER }],
    ['a card key that is not registered', (m) => m.telemetry.cardsRequest({ status: 200, durationMs: 1, cards: [{ key: 'made-up', outcome: 'ok', durationMs: 1 }] }), 'cardql_card_results_total', { card: OTHER, outcome: 'ok' }],
    ['an HTTP status out of range', (m) => m.httpRequest('/cards', 1000, 1), 'cardql_http_requests_total', { route: '/cards', status: OTHER }],
  ])('%s is counted under _other', async (_what, record, name, labels) => {
    const metrics = createMetrics({ cards: new Set(['usage']), sources: new Set(['billing']) });
    record(metrics);
    const text = await metrics.registry.metrics();
    expect(sample(text, name, labels)).toBe(1);
    expect(text).not.toContain('made-up');
  });
});

describe('each app has its own registry', () => {
  it('keeps the counts of two apps in one process apart', async () => {
    const [first, second] = await Promise.all([createTestApp({}, { db }), createTestApp({}, { db })]);
    try {
      await first.fetch(plainRequest(cardsBody(['usage'])));
      const [one, two] = await Promise.all([scrape(first), scrape(second)]);
      expect(sample(one.text, 'cardql_card_results_total', { card: 'usage', outcome: 'ok' })).toBe(1);
      expect(sample(two.text, 'cardql_card_results_total', { card: 'usage', outcome: 'ok' })).toBeUndefined();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('still reports to a telemetry passed by the caller, beside the metrics', async () => {
    const events: CardsRequestEvent[] = [];
    const recorder: Telemetry = { cardsRequest: (event) => void events.push(event), upstreamRequest() {} };
    const app = await createTestApp({}, { db, telemetry: recorder });
    try {
      await app.fetch(plainRequest(cardsBody(['usage'])));
      expect(events).toMatchObject([{ status: 200, cards: [{ key: 'usage', outcome: 'ok' }] }]);
      expect(sample((await scrape(app)).text, 'cardql_card_results_total', { card: 'usage', outcome: 'ok' })).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('the scrape token (CARDQL_METRICS_TOKEN)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ CARDQL_METRICS_TOKEN: 'scrape-token' }, { db });
  });
  afterAll(() => app.close());

  it.each([
    ['no Authorization header', {}, 401],
    ['a wrong token', { authorization: 'Bearer nope' }, 401],
    ['the token', { authorization: 'Bearer scrape-token' }, 200],
  ])('with %s answers %i', async (_what, headers, status) => {
    expect((await scrape(app, headers)).status).toBe(status);
  });
});
