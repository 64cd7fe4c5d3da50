// The preview: its API, its failing-card view, its files, and its gate in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS } from '../src/demo/seed/seed-demo.ts';
import { DEMO_TENANTS, DEMO_THREADS } from '../src/demo/seed/seed-threads.ts';
import { UNLINKED_CUSTOMER_ID } from '../src/preview/find-customer.ts';
import { PreviewResponse } from '../src/preview/preview-request.ts';
import { renderComponents } from '../src/preview/render-components.ts';
import { ALEX, createTestApp, seededDatabase, type TestApp } from './support/app.ts';

const API = 'http://cardql.test/preview/api/cards';

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(API, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function preview(app: TestApp, body: unknown): Promise<PreviewResponse> {
  const response = await app.fetch(post(body));
  expect(response.status, await response.clone().text()).toBe(200);
  return PreviewResponse.parse(await response.json());
}

describe('POST /preview/api/cards', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it.each([
    ['email', { email: ALEX.email }],
    ['external id', { externalId: ALEX.externalId }],
    ['Plain customer id', { id: ALEX.id }],
    ['email typed with spaces around it', { email: `  ${ALEX.email} ` }],
  ])('finds the customer by %s and runs the cards as Plain would have asked for them', async (_by, customer) => {
    const body = await preview(app, { customer, cardKeys: ['plan-details', 'usage'] });
    expect(body.request).toEqual({ cardKeys: ['plan-details', 'usage'], customer: ALEX, thread: null, tenant: null });
    expect(body.customerFound).toBe(true);
    expect(body.cards.map((c) => [c.key, c.outcome])).toEqual([
      ['plan-details', 'ok'],
      ['usage', 'ok'],
    ]);
  });

  it('answers each card exactly as POST /cards would, with its rendering, TTL, duration and size', async () => {
    const keys = [...app.registry.keys()];
    // On Alex's thread about the shipped order, so that the thread and tenant cards have data too.
    const onThread = { thread: { id: DEMO_THREADS.alexShipping, externalId: 'thr_000001' }, tenant: { id: DEMO_TENANTS.grocery, externalId: 'ten_000001' } };
    const [body, { results }] = await Promise.all([
      preview(app, { customer: { email: ALEX.email }, threadId: DEMO_THREADS.alexShipping, cardKeys: keys }),
      app.resolve({ cardKeys: keys, customer: ALEX, ...onThread }),
    ]);
    expect(body.request).toEqual({ cardKeys: keys, customer: ALEX, ...onThread });
    for (const [index, result] of results.entries()) {
      const shown = body.cards[index]!;
      expect(shown).toMatchObject({ key: result.key, outcome: 'ok', timeToLiveSeconds: result.card.timeToLiveSeconds, components: result.card.components, reference: null, error: null });
      expect(shown.html).toBe(renderComponents(result.card.components!));
      expect(shown.bytes).toBe(Buffer.byteLength(JSON.stringify(result.card)));
      expect(shown.durationMs).toBeGreaterThan(0);
    }
  });

  it('passes a thread and a tenant the data does not know on, with no external ids', async () => {
    const body = await preview(app, { customer: { email: ALEX.email }, threadId: 'th_01', tenantId: 'te_01', cardKeys: ['usage'] });
    expect(body.request).toMatchObject({ thread: { id: 'th_01', externalId: null }, tenant: { id: 'te_01', externalId: null } });
  });

  it("lists the customer's threads for the page's picker, newest first, each with its tenant", async () => {
    const alex = await preview(app, { customer: { email: ALEX.email }, cardKeys: ['usage'] });
    expect(alex.threads).toEqual([
      { id: DEMO_THREADS.alexShipping, externalId: 'thr_000001', title: 'Where is my order?', tenant: { id: DEMO_TENANTS.grocery, externalId: 'ten_000001' } },
      { id: DEMO_THREADS.alexBilling, externalId: 'thr_000002', title: 'Why was I charged for overage?', tenant: { id: DEMO_TENANTS.grocery, externalId: 'ten_000001' } },
    ]);
    expect(alex.request).toMatchObject({ thread: null, tenant: null });
    const sam = await preview(app, { customer: { email: DEMO_CUSTOMERS.noData.email }, cardKeys: ['usage'] });
    expect(sam.threads).toEqual([]);
  });

  it('keeps a tenant id given with a known thread, as typed', async () => {
    const body = await preview(app, { customer: { email: ALEX.email }, threadId: DEMO_THREADS.alexBilling, tenantId: 'te_OTHER', cardKeys: ['usage'] });
    expect(body.request).toMatchObject({ thread: { id: DEMO_THREADS.alexBilling, externalId: 'thr_000002' }, tenant: { id: 'te_OTHER', externalId: null } });
  });

  it('sends a placeholder Plain id for a customer the data has not linked to Plain', async () => {
    const body = await preview(app, { customer: { email: DEMO_CUSTOMERS.noData.email }, cardKeys: ['usage'] });
    expect(body.request.customer).toEqual({ id: UNLINKED_CUSTOMER_ID, email: DEMO_CUSTOMERS.noData.email, externalId: DEMO_CUSTOMERS.noData.externalId });
    expect(body.customerFound).toBe(true);
  });

  it('runs the cards for an email the data does not know, which then have no data', async () => {
    const body = await preview(app, { customer: { email: 'nobody@unknown.example' }, cardKeys: ['plan-details'] });
    expect(body.customerFound).toBe(false);
    expect(body.request.customer).toEqual({ id: UNLINKED_CUSTOMER_ID, email: 'nobody@unknown.example', externalId: null });
    expect(body.cards[0]).toMatchObject({ outcome: 'no-data', components: null, html: null });
  });

  it('lists requested keys that have no stored query, as Plain would show them missing', async () => {
    const body = await preview(app, { customer: { email: ALEX.email }, cardKeys: ['usage', 'no-such-card'] });
    expect(body.unknownKeys).toEqual(['no-such-card']);
    expect(body.cards.map((c) => c.key)).toEqual(['usage']);
  });

  it('logs one line per preview with the outcomes, and never the customer', async () => {
    await preview(app, { customer: { email: ALEX.email, externalId: ALEX.externalId }, cardKeys: ['usage'] });
    const line = app.logs().findLast((l) => l.msg === 'preview request');
    expect(line).toMatchObject({ keys: ['usage'], cards: [{ key: 'usage', outcome: 'ok' }] });
    expect(app.rawLogs()).not.toContain(ALEX.email);
  });

  it.each([
    ['a body that is not JSON', post('{"customer":'), 400, 'MALFORMED_JSON', /does not parse/],
    ['no identifier for the customer', post({ customer: { email: ' ' }, cardKeys: ['usage'] }), 400, 'INVALID_REQUEST', /customer: expected at least one of email, externalId or id/],
    ['no card', post({ customer: { email: ALEX.email }, cardKeys: [] }), 400, 'INVALID_REQUEST', /cardKeys: expected at least one card key/],
    ['a card key Plain would refuse', post({ customer: { email: ALEX.email }, cardKeys: ['a b'] }), 400, 'INVALID_REQUEST', /cardKeys\.0: expected a card key matching/],
    ['a field it does not know', post({ customer: { email: ALEX.email }, cardKeys: ['usage'], cardkeys: [] }), 400, 'INVALID_REQUEST', /Unrecognized key: "cardkeys"/],
    ['an external id nobody has, and no email', post({ customer: { externalId: 'nobody' }, cardKeys: ['usage'] }), 400, 'CUSTOMER_NOT_FOUND', /no customer in the in-process data has external id "nobody"/],
    ['a form post', new Request(API, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /Expected Content-Type application\/json/],
    ['a GET', new Request(API), 405, 'METHOD_NOT_ALLOWED', /Expected POST, received GET/],
    ['a body over 64 KB', post({ customer: { email: ALEX.email }, cardKeys: ['usage'], pad: 'x'.repeat(70_000) }), 413, 'BODY_TOO_LARGE', /at most 65536 bytes/],
  ])('rejects %s with a message saying what it expected', async (_case, request, status, code, message) => {
    const response = await app.fetch(request);
    expect(response.status).toBe(status);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('a failing card in the preview', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ CARDQL_QUERIES_DIR: 'test/fixtures/failing-cards/queries', CARDQL_CARDS_DIR: 'test/fixtures/failing-cards/mappers' });
  });
  afterAll(() => app.close());

  it('shows the error card Plain would get, its reference, and the cause (to the admin only), and logs where it failed under that reference, not what it said', async () => {
    const body = await preview(app, { customer: { email: ALEX.email }, cardKeys: ['healthy', 'mapper-throws'] });
    const [healthy, failed] = body.cards;
    expect(healthy).toMatchObject({ outcome: 'ok', error: null, reference: null });
    expect(failed).toMatchObject({ key: 'mapper-throws', outcome: 'error', timeToLiveSeconds: 15, error: 'internal detail: password=hunter2' });
    expect(failed!.html).toContain(`Reference: ${failed!.reference}`);
    const line = app.logs().find((l) => l.msg === 'preview card failed' && l.reference === failed!.reference);
    expect(line).toMatchObject({ key: 'mapper-throws', err: { type: 'Error', stack: expect.arrayContaining([expect.stringContaining('mapper-throws.ts')]) } });
    expect(app.rawLogs()).not.toContain('hunter2');
  });
});

describe('GET /preview and its files', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('serves a page offering every registered card, allowed to load only what cardql serves', async () => {
    const response = await app.fetch(new Request('http://cardql.test/preview'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
    const html = await response.text();
    const offered = [...html.matchAll(/name="cardKeys" value="([^"]+)" checked/g)].map((m) => m[1]);
    expect(offered).toEqual([...app.registry.keys()]);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const [, path] of html.matchAll(/(?:src|href)="(\/preview\/[^"?]+)\?v=/g)) {
      expect((await app.fetch(new Request(`http://cardql.test${path}`))).status, path).toBe(200);
    }
  });

  it.each([
    ['preview.js', 'text/javascript; charset=utf-8'],
    ['preview.css', 'text/css; charset=utf-8'],
    ['plain.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s, revalidated by ETag', async (name, type) => {
    const response = await app.fetch(new Request(`http://cardql.test/preview/${name}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    const etag = response.headers.get('etag')!;
    const again = await app.fetch(new Request(`http://cardql.test/preview/${name}`, { headers: { 'if-none-match': etag } }));
    expect(again.status).toBe(304);
  });

  it('answers 405 to anything but GET on the page', async () => {
    const response = await app.fetch(new Request('http://cardql.test/preview', { method: 'POST' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the preview in production', () => {
  const paths = [
    ['GET', '/preview'],
    ['GET', '/preview/preview.js'],
    ['POST', '/preview/api/cards'],
  ] as const;
  const request = (method: string, path: string, headers: Record<string, string> = {}) =>
    method === 'POST' ? new Request(`http://cardql.test${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ customer: { email: ALEX.email }, cardKeys: ['usage'] }) }) : new Request(`http://cardql.test${path}`, { headers });

  // One database for both apps: seeding is the slow part of building an app.
  const db = seededDatabase();
  let off: TestApp;
  let gated: TestApp;
  beforeAll(async () => {
    off = await createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's' }, { db });
    gated = await createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's', CARDQL_ADMIN_TOKEN: 'admin-token' }, { db });
  });
  afterAll(async () => {
    await Promise.all([off.close(), gated.close()]);
    db.close();
  });

  it.each(paths)('is off without CARDQL_ADMIN_TOKEN: %s %s answers 404', async (method, path) => {
    expect((await off.fetch(request(method, path))).status).toBe(404);
  });

  it.each(paths)('needs the admin token, as a bearer or a browser login: %s %s', async (method, path) => {
    const app = gated;
    const anonymous = await app.fetch(request(method, path));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await app.fetch(request(method, path, { authorization: 'Bearer wrong' }))).status).toBe(401);
    expect((await app.fetch(request(method, path, { authorization: 'Bearer admin-token' }))).status).toBe(200);
    expect((await app.fetch(request(method, path, { authorization: `Basic ${Buffer.from('me:admin-token').toString('base64')}` }))).status).toBe(200);
  });
});
