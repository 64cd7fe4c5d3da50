// What cardql makes of a remote source's answer: re-typed against the pinned schema, partial data mapped when the card's needs are met, merged failures contained.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase as Database } from '../src/demo/sqlite.ts';
import { CardsResponse, type Card } from '../src/plain/cards-response.ts';
import { resolvers } from '../src/demo/resolvers.ts';
import { ALEX, cardsBody, createTestApp, plainRequest, seededDatabase, type TestApp } from './support/app.ts';
import { cardsLayout, cardTraffic, DEMO_SCHEMA, sourcesFile, startScriptedUpstream, startYogaUpstream, type Script, type TestUpstream } from './support/remote.ts';

let db: Database;
beforeAll(() => {
  db = seededDatabase();
});
afterAll(() => db.close());

const running: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

/** An app whose cards `remote` run on the source `demo` at `url` (pinned schema `schema`), on a generous deadline. */
async function appOn(url: string, { remote, source = {}, schema = DEMO_SCHEMA, queries = {} }: { remote: string[]; source?: Record<string, unknown>; schema?: string; queries?: Record<string, string> }): Promise<TestApp> {
  // One in-process card beside them, so that the answer is 200 even when every remote card fails.
  const layout = cardsLayout({ remote, local: ['customer-details'] });
  for (const [key, text] of Object.entries(queries)) writeFileSync(join(layout.queriesDir, 'demo', `${key}.graphql`), text);
  const app = await createTestApp({ CARDQL_SOURCES: sourcesFile({ demo: { url, schema, ...source } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir, CARDQL_DEADLINE_MS: '5000' }, { db });
  running.push(app);
  return app;
}

async function track<T extends { close(): Promise<void> }>(upstream: Promise<T>): Promise<T> {
  const started = await upstream;
  running.push(started);
  return started;
}

const answer = (body: unknown): Script => (response: ServerResponse) => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

async function post(app: TestApp, keys: string[]) {
  const response = await app.fetch(plainRequest(cardsBody(keys)));
  const json = await response.json();
  return { status: response.status, cards: response.status === 200 ? CardsResponse.parse(json).cards : [] };
}

const textOf = (card: Card | undefined) => (card?.components?.[0] as { componentText?: { text: string } } | undefined)?.componentText?.text;

/** The cause logged for a failed card, found by the reference its error card shows. */
function causeOf(app: TestApp, card: Card | undefined): string {
  const reference = /Reference: ([0-9a-f]{8})/.exec(textOf(card) ?? '')?.[1];
  const line = app.logs().find((l) => l.msg === 'card failed' && l.reference === reference);
  // What the log says of the cause: cardql's own words only (log.ts), never an upstream's message.
  const errors = (line?.err as { errors?: Array<{ message?: string; path?: string }> } | undefined)?.errors ?? [];
  return errors.map((e) => e.message ?? `at ${e.path}`).join('; ');
}

const ERROR_TEXT = /^This card couldn't be loaded\. Reference: [0-9a-f]{8}$/;
const metric = (fields: Record<string, unknown> = {}) => ({ name: 'API calls', used: 1200, limit: 10000, unit: 'calls', periodEnd: '2026-11-30T00:00:00.000Z', ...fields });
const usage = (items: unknown) => ({ data: { customer: { usage: items } } });
const plan = (fields: Record<string, unknown> = {}) => ({
  data: { customer: { subscription: { status: 'ACTIVE', seats: 5, amountCents: 5000, currentPeriodEnd: '2026-11-30T00:00:00.000Z', cancelAtPeriodEnd: false, plan: { name: 'Growth', tier: 'GROWTH', unitPriceCents: 1000, currency: 'USD', interval: 'MONTH', ...fields } } } },
});

describe('a remote result is re-typed against the pinned schema before any mapper reads it', () => {
  it.each<[string, string, unknown, RegExp]>([
    ['an object where a list is expected', 'usage', usage(metric()), /at customer\.usage: expected \[UsageMetric!\]!, received an object$/],
    ['a number where String! is expected', 'usage', usage([metric({ name: 12345 })]), /at customer\.usage\.0\.name: expected String!, received an integer$/],
    ['a string where Int! is expected', 'usage', usage([metric({ used: '1200' })]), /at customer\.usage\.0\.used: expected Int!, received a string$/],
    ['a fraction where Int is expected', 'usage', usage([metric({ limit: 0.5 })]), /at customer\.usage\.0\.limit: expected Int, received a number$/],
    ['null where the type is non-null', 'usage', usage([metric({ unit: null })]), /at customer\.usage\.0\.unit: expected String!, received null$/],
    ['a field it did not send', 'usage', usage([{ name: 'API calls', used: 1, limit: 2, periodEnd: '2026-11-30T00:00:00.000Z' }]), /at customer\.usage\.0\.unit: expected String!, received nothing \(the field is missing\)$/],
    ['a value the enum does not have', 'plan-details', plan({ tier: 'PLATINUM' }), /at customer\.subscription\.plan\.tier: expected PlanTier!, received a string that is not one of its values$/],
    ['a list where an object is expected', 'plan-details', plan({ name: ['Growth'] }), /at customer\.subscription\.plan\.name: expected String!, received a list$/],
  ])('fails the card on %s, naming the field path and never the value', async (_what, key, body, cause) => {
    const upstream = await track(startScriptedUpstream(answer(body)));
    const app = await appOn(upstream.url, { remote: [key], source: { merge: false } });
    const { cards } = await post(app, ['customer-details', key]);
    expect(textOf(cards[1])).toMatch(ERROR_TEXT);
    expect(causeOf(app, cards[1])).toMatch(new RegExp(`source "demo" answered data that does not match its pinned schema ${cause.source}`));
    expect(app.rawLogs()).not.toMatch(/12345|PLATINUM|"1200"/);
  });

  it('maps a well-typed answer as before', async () => {
    const upstream = await track(startScriptedUpstream(answer(usage([metric()]))));
    const app = await appOn(upstream.url, { remote: ['usage'], source: { merge: false } });
    const { cards } = await post(app, ['usage']);
    expect(JSON.stringify(cards[0])).toContain('API calls');
  });
});

describe('partial data', () => {
  it('maps the card when the errors sit on nullable fields that came back null, and logs their paths only', async () => {
    const body = { ...usage([metric({ limit: null }), metric({ name: 'Seats' })]), errors: [{ message: `limits service down for ${ALEX.email}`, path: ['customer', 'usage', 0, 'limit'], extensions: { code: 'LIMITS_DOWN' } }] };
    const upstream = await track(startScriptedUpstream(answer(body)));
    const app = await appOn(upstream.url, { remote: ['usage'], source: { merge: false } });
    const { status, cards } = await post(app, ['usage']);
    expect(status).toBe(200);
    expect(JSON.stringify(cards[0])).toContain('Seats');
    expect(app.logs().find((l) => l.msg === 'card mapped from partial data')).toMatchObject({ level: 40, key: 'usage', errors: [{ path: 'customer.usage.0.limit', code: 'LIMITS_DOWN' }] });
    expect(app.rawLogs()).not.toContain('limits service down');
    expect(app.rawLogs()).not.toContain(ALEX.email);
  });

  it('maps partial data in a merged request too: the error found its card by its path', async () => {
    const limitsDown = makeExecutableSchema({
      typeDefs: buildSchema(readFileSync('schema.graphql', 'utf8')),
      resolvers: [resolvers, { UsageMetric: { limit: () => Promise.reject(new Error('limits service down')) } }],
    });
    const upstream = await track(startYogaUpstream(limitsDown, db));
    const app = await appOn(upstream.url, { remote: ['usage', 'plan-details'] });
    const { status, cards } = await post(app, ['usage', 'plan-details']);
    expect(status).toBe(200);
    expect(cardTraffic(upstream.seen)).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain('API calls');
    expect(JSON.stringify(cards[1])).toContain('Growth');
    expect(app.logs().find((l) => l.msg === 'card mapped from partial data')).toMatchObject({ key: 'usage', errors: expect.arrayContaining([{ path: 'customer.usage.0.limit' }]) });
  });

  it.each<[string, unknown]>([
    ['an error on a non-null field (its null spread to a parent)', { data: { customer: null }, errors: [{ message: 'usage down', path: ['customer', 'usage'] }] }],
    ['an error with no path', { data: { customer: { usage: [metric()] } }, errors: [{ message: 'something failed' }] }],
    ['an error on a field that still has a value', { ...usage([metric()]), errors: [{ message: 'odd', path: ['customer', 'usage', 0, 'limit'] }] }],
    ['no data at all', { data: null, errors: [{ message: 'down', path: ['customer'] }] }],
  ])('fails the card on %s', async (_what, body) => {
    const upstream = await track(startScriptedUpstream(answer(body)));
    const app = await appOn(upstream.url, { remote: ['usage'], source: { merge: false } });
    const { status } = await post(app, ['usage']);
    // The only card failed: 503, so that Plain retries.
    expect(status).toBe(503);
  });
});

describe('a merged request that fails as a whole: its cards are re-run unmerged, once, so one bad query fails one card', () => {
  it('contains an error in a non-null root field, which nulls the whole merged data', async () => {
    // A non-null root field that fails: GraphQL nulls all of `data`, the other cards' fields included (a large public API's `search` is such a field).
    const withStatus = (sdl: string) => sdl.replace(/^type Query \{$/m, 'type Query {\n  status: String!');
    const failing = makeExecutableSchema({
      typeDefs: buildSchema(withStatus(readFileSync('schema.graphql', 'utf8'))),
      resolvers: [resolvers, { Query: { status: () => Promise.reject(new Error('status service down')) } }],
    });
    const upstream = await track(startYogaUpstream(failing, db));
    const pinned = join(cardsLayout({}).queriesDir, '..', 'demo.graphql');
    writeFileSync(pinned, withStatus(readFileSync(DEMO_SCHEMA, 'utf8')));
    const keys = ['usage', 'plan-details', 'subscription-status', 'latest-invoice', 'recent-orders'];
    const app = await appOn(upstream.url, { remote: keys, schema: pinned, queries: { status: 'query Status { status }\n' } });
    const { status, cards } = await post(app, [...keys, 'status']);
    expect(status).toBe(200);
    expect(cards.filter((card) => ERROR_TEXT.test(textOf(card) ?? '')).map((card) => card.key)).toEqual(['status']);
    expect(causeOf(app, cards.find((card) => card.key === 'status'))).toBe('at status');
    // One merged request, then one per card that lost its data: never more.
    expect(cardTraffic(upstream.seen)).toHaveLength(1 + keys.length);
  });

  it('contains a query made invalid by upstream drift, which makes the whole merged operation invalid', async () => {
    // The live schema lost Customer.usage; the pinned one still has it.
    const drifted = makeExecutableSchema({ typeDefs: buildSchema(readFileSync('schema.graphql', 'utf8').replace(/^\s*"One entry per metered feature[^\n]*\n\s*usage: \[UsageMetric!\]!$/m, '')), resolvers: [resolvers], resolverValidationOptions: { requireResolversToMatchSchema: 'ignore' } });
    const upstream = await track(startYogaUpstream(drifted, db));
    const app = await appOn(upstream.url, { remote: ['usage', 'plan-details'] });
    const { status, cards } = await post(app, ['usage', 'plan-details']);
    expect(status).toBe(200);
    expect(textOf(cards[0])).toMatch(ERROR_TEXT);
    // The source refused the query (yoga: 400 with a validation error); its message is not logged, the status is.
    expect(causeOf(app, cards[0])).toMatch(/^source "demo" answered HTTP 400$/);
    expect(JSON.stringify(cards[1])).toContain('Growth');
    expect(cardTraffic(upstream.seen)).toHaveLength(3);
  });

  it('re-runs after an error with no path in the merged answer', async () => {
    let calls = 0;
    const upstream = await track(startScriptedUpstream((response, n, pass) => {
      calls = n + 1;
      return n === 0 ? answer({ errors: [{ message: 'operation too complex' }] })(response, n, pass) : pass();
    }, db));
    const app = await appOn(upstream.url, { remote: ['usage', 'plan-details'] });
    const { cards } = await post(app, ['usage', 'plan-details']);
    expect(JSON.stringify(cards[0])).toContain('API calls');
    expect(JSON.stringify(cards[1])).toContain('Growth');
    expect(calls).toBe(3);
  });

  it('does not re-run after a transport failure: per card, it would only multiply the load on a struggling source', async () => {
    const upstream = await track(startScriptedUpstream((response) => void response.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"message":"overloaded"}]}')));
    const app = await appOn(upstream.url, { remote: ['usage', 'plan-details'] });
    await post(app, ['usage', 'plan-details']);
    // One merged request and its one retry.
    expect(cardTraffic(upstream.seen)).toHaveLength(2);
  });
});
