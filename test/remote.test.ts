// Cards on a remote GraphQL source: the demo cards upstream, mixed with local ones, what is sent, GraphiQL per source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardsResponse } from '../src/plain/cards-response.ts';
import type { UpstreamRequestEvent } from '../src/telemetry.ts';
import type { SqliteDatabase } from '../src/demo/sqlite.ts';
import { ALEX, cardsBody, createTestApp, DEMO_KEYS, plainRequest, seededDatabase, type CardsBody, type TestApp } from './support/app.ts';
import { cardsLayout, DEMO_SCHEMA, sourcesFile, startTestUpstream, type TestUpstream } from './support/remote.ts';

const TOKEN = 'upstream-secret-7f3a';

let upstream: TestUpstream;
/** The demo data, seeded once for this file (seeding takes seconds): read by the upstream and by the in-process apps. */
let db: SqliteDatabase;
let local: TestApp;
let remote: TestApp;
let unmerged: TestApp;
const events: UpstreamRequestEvent[] = [];

/** An app whose cards in `remote` run on the demo upstream, the others in-process. */
async function appWith({ remote: remoteKeys = [] as string[], local: localKeys = [] as string[], merge = true } = {}): Promise<TestApp> {
  const declaration = {
    demo: { url: upstream.url, schema: DEMO_SCHEMA, merge, headers: { Authorization: 'Bearer ${DEMO_TOKEN}' }, forwardWorkspaceId: true, forwardRequestId: true },
  };
  const { queriesDir, cardsDir } = cardsLayout({ remote: remoteKeys, local: localKeys });
  return createTestApp(
    { CARDQL_SOURCES: sourcesFile(declaration), CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir, DEMO_TOKEN: TOKEN },
    { db, telemetry: { cardsRequest() {}, upstreamRequest: (event) => void events.push(event) } },
  );
}

beforeAll(async () => {
  db = seededDatabase();
  upstream = await startTestUpstream({ db, token: TOKEN });
  local = await createTestApp({}, { db });
  remote = await appWith({ remote: DEMO_KEYS });
  unmerged = await appWith({ remote: DEMO_KEYS, merge: false });
});
afterAll(async () => {
  await Promise.all([local.close(), remote.close(), unmerged.close()]);
  await upstream.close();
  db.close();
});

async function post(app: TestApp, keys: string[], customer: CardsBody['customer'] = ALEX) {
  const before = upstream.seen.requests.length;
  const response = await app.fetch(plainRequest(cardsBody(keys, customer)));
  const body = CardsResponse.parse(await response.json());
  return { status: response.status, cards: body.cards, upstreamRequests: upstream.seen.requests.length - before, requestId: response.headers.get('x-request-id') };
}

describe('the demo cards on a remote source', () => {
  it.each([
    ['the demo customer', ALEX],
    ['a customer the data does not know', { id: 'c_NOBODY', email: 'nobody@nowhere.example', externalId: null }],
  ])('produce exactly the components they produce in-process, for %s', async (_who, customer) => {
    const inProcess = await post(local, DEMO_KEYS, customer);
    const onRemote = await post(remote, DEMO_KEYS, customer);
    expect(onRemote.status).toBe(200);
    expect(onRemote.cards).toEqual(inProcess.cards);
    expect(onRemote.upstreamRequests).toBe(1);
  });

  it('are all sent to the source as ONE HTTP request, one merged operation with prefixed aliases', async () => {
    const { upstreamRequests } = await post(remote, DEMO_KEYS);
    expect(upstreamRequests).toBe(1);
    const { body } = upstream.seen.requests.at(-1)!;
    expect(body.query?.match(/_v\d+_customer: customer\(/g)).toHaveLength(DEMO_KEYS.length);
    expect(Object.keys(body.variables ?? {})).toContain(`_v${DEMO_KEYS.length - 1}_customerId`);
  });

  it('are sent one HTTP request per card when the source declares merge: false', async () => {
    const merged = await post(remote, DEMO_KEYS);
    const separate = await post(unmerged, DEMO_KEYS);
    expect(separate.upstreamRequests).toBe(DEMO_KEYS.length);
    expect(separate.cards).toEqual(merged.cards);
  });

  it('send the declared headers, secrets resolved from the environment, and forward the workspace and request ids', async () => {
    const { requestId } = await post(remote, ['usage']);
    const { headers } = upstream.seen.requests.at(-1)!;
    expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers['plain-workspace-id']).toBe('w_01TEST');
    expect(headers['x-request-id']).toBe(requestId);
    expect(remote.rawLogs()).not.toContain(TOKEN);
  });

  it('reuse kept-alive connections across Plain requests', async () => {
    const connectionsBefore = upstream.seen.connections;
    for (let i = 0; i < 10; i++) await post(remote, DEMO_KEYS);
    // undici may open a second socket while the first is being returned to its pool; never one per request.
    expect(upstream.seen.connections - connectionsBefore).toBeLessThanOrEqual(2);
  });

  it('report every upstream call to telemetry, with its status and attempt', async () => {
    events.length = 0;
    await post(remote, DEMO_KEYS);
    expect(events).toEqual([{ source: 'demo', status: 200, durationMs: expect.any(Number), attempt: 1 }]);
  });
});

describe('local and remote cards in one Plain request', () => {
  it('run each card where its folder says, and answer them side by side', async () => {
    const remoteKeys = ['plan-details', 'usage', 'recent-orders'];
    const localKeys = ['customer-details', 'subscription-status', 'latest-invoice'];
    const mixed = await appWith({ remote: remoteKeys, local: localKeys });
    try {
      expect([...mixed.registry.values()].map((card) => [card.key, card.source]).sort()).toEqual(
        [...remoteKeys.map((key) => [key, 'demo']), ...localKeys.map((key) => [key, 'local'])].sort(),
      );
      const result = await post(mixed, DEMO_KEYS);
      expect(result.cards).toEqual((await post(local, DEMO_KEYS)).cards);
      // One upstream request carrying the three remote cards: the three others ran in-process.
      expect(result.upstreamRequests).toBe(1);
      const { body } = upstream.seen.requests.at(-1)!;
      expect(body.query?.match(/_v\d+_customer: customer\(/g)).toHaveLength(remoteKeys.length);
    } finally {
      await mixed.close();
    }
  });
});

describe('what is sent to a source', () => {
  it('is only ever the stored queries: the request body gives variable values, never query text', async () => {
    const hostile = { id: 'c_1") { __schema { types { name } } } #', email: '"}) { __typename }', externalId: null };
    const response = await remote.fetch(plainRequest({ ...cardsBody(['usage', 'plan-details'], hostile), query: '{ __schema { types { name } } }' }));
    expect(response.status).toBe(200);
    const { body } = upstream.seen.requests.at(-1)!;
    expect(body.query).not.toContain('__schema');
    expect(body.query).not.toContain('__typename');
    expect(Object.values(body.variables ?? {})).toContain(hostile.id);
  });
});

describe('GraphiQL for a remote source at /graphql/<source>', () => {
  const query = (app: TestApp, headers: Record<string, string> = {}) =>
    app.fetch(
      new Request('http://cardql.test/graphql/demo', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ customer(email: "alex@grocery.co") { fullName company { name } } }' }),
      }),
    );

  it('runs queries on the source itself, with the source headers, and shows the same data as in-process', async () => {
    const before = upstream.seen.requests.length;
    const response = await query(remote);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { customer: { fullName: 'Alex Johnson', company: { name: 'Grocery Co' } } } });
    expect(upstream.seen.requests.length).toBe(before + 1);
    expect(upstream.seen.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('serves the GraphiQL page, and answers introspection from the pinned schema without calling the source', async () => {
    const page = await remote.fetch(new Request('http://cardql.test/graphql/demo', { headers: { accept: 'text/html' } }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('source &#34;demo&#34;');
    const before = upstream.seen.requests.length;
    const introspection = await remote.fetch(
      new Request('http://cardql.test/graphql/demo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __type(name: "Customer") { name } }' }) }),
    );
    expect(await introspection.json()).toEqual({ data: { __type: { name: 'Customer' } } });
    expect(upstream.seen.requests.length).toBe(before);
  });

  it('is gated like /graphql in production: off without an admin token, token required with one', async () => {
    const { queriesDir, cardsDir } = cardsLayout({ remote: ['usage'] });
    const env = { CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir };
    const off = await createTestApp({ ...env, NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's' }, { db });
    const gated = await createTestApp({ ...env, NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's', CARDQL_ADMIN_TOKEN: 'admin-token' }, { db });
    try {
      const before = upstream.seen.requests.length;
      expect((await query(off)).status).toBe(404);
      expect((await query(gated)).status).toBe(401);
      expect(upstream.seen.requests.length).toBe(before);
      expect((await query(gated, { authorization: 'Bearer admin-token' })).status).toBe(200);
      // A page on another site, riding the admin's login, reaches neither the source nor its data.
      const crossOrigin = await query(gated, { authorization: 'Bearer admin-token', origin: 'https://evil.example' });
      expect([crossOrigin.status, crossOrigin.headers.get('access-control-allow-origin')]).toEqual([403, null]);
      expect(upstream.seen.requests.length).toBe(before + 1);
    } finally {
      await Promise.all([off.close(), gated.close()]);
    }
  });

  it('is off on every interface without an admin token, whatever NODE_ENV says: it forwards any query with cardql credentials', async () => {
    const { queriesDir, cardsDir } = cardsLayout({ remote: ['usage'] });
    const open = await createTestApp({ CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir, NODE_ENV: '', HOST: '0.0.0.0' }, { db });
    try {
      const before = upstream.seen.requests.length;
      expect((await query(open)).status).toBe(404);
      expect(upstream.seen.requests.length).toBe(before);
    } finally {
      await open.close();
    }
  });
});
