// Who can reach the admin surfaces (GraphiQL, the preview, GraphiQL's files) and /metrics, by where
// cardql listens and what is configured; and that no other origin's page can read them.
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.ts';
import { createDemoData } from '../src/demo/index.ts';
import type { SqliteDatabase } from '../src/demo/sqlite.ts';
import { createTestApp as createApp, seededDatabase, type TestApp } from './support/app.ts';

// One demo database for every app of this file: seeding it is the slow part.
let db: SqliteDatabase;
beforeAll(() => {
  db = seededDatabase();
});
afterAll(() => db.close());
const createTestApp = (env: Record<string, string> = {}) => createApp(env, { db });

const ADMIN = 'admin-token-123';
const METRICS = 'metrics-token-456';
const QUERY = '{ customer(email: "alex@grocery.co") { fullName } }';
const basic = (password: string) => `Basic ${Buffer.from(`me:${password}`).toString('base64')}`;

/** One request per admin surface, and /metrics; `headers` added to each. */
function surfaces(headers: Record<string, string> = {}): Array<[string, Request]> {
  return [
    ['GraphiQL query', new Request('http://127.0.0.1:4000/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: QUERY }) })],
    ['GraphiQL page', new Request('http://127.0.0.1:4000/graphql', { headers: { accept: 'text/html', ...headers } })],
    ['preview page', new Request('http://127.0.0.1:4000/preview', { headers })],
    ['preview API', new Request('http://127.0.0.1:4000/preview/api/cards', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ customer: { email: 'alex@grocery.co' }, cardKeys: ['usage'] }) })],
    ['GraphiQL file', new Request('http://127.0.0.1:4000/graphiql/favicon.ico', { headers })],
  ];
}

async function statuses(app: TestApp, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [name, request] of surfaces(headers)) result[name] = (await app.fetch(request)).status;
  result['/metrics'] = (await app.fetch(new Request('http://127.0.0.1:4000/metrics', { headers }))).status;
  return result;
}

const all = (status: number, metrics = status) => ({ 'GraphiQL query': status, 'GraphiQL page': status, 'preview page': status, 'preview API': status, 'GraphiQL file': status, '/metrics': metrics });

describe('exposure by where cardql listens, whatever NODE_ENV says', () => {
  it.each<[string, Record<string, string>, Record<string, string>, Record<string, number>]>([
    ['NODE_ENV unset, on loopback: open to this machine', {}, {}, all(200)],
    ['NODE_ENV unset, on every interface, nothing configured: off', { HOST: '0.0.0.0' }, {}, all(404)],
    ['NODE_ENV=development on every interface: still off', { HOST: '0.0.0.0', NODE_ENV: 'development' }, {}, all(404)],
    ['production on loopback (behind a proxy, usually): admin off, metrics open', { NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's' }, {}, all(404, 200)],
    ['every interface with tokens, none sent: 401', { HOST: '0.0.0.0', CARDQL_ADMIN_TOKEN: ADMIN, CARDQL_METRICS_TOKEN: METRICS }, {}, all(401)],
    ['every interface with tokens, the admin one sent', { HOST: '0.0.0.0', CARDQL_ADMIN_TOKEN: ADMIN, CARDQL_METRICS_TOKEN: METRICS }, { authorization: `Bearer ${ADMIN}` }, all(200, 401)],
    ['every interface, the admin token as a browser login', { HOST: '::', CARDQL_ADMIN_TOKEN: ADMIN }, { authorization: basic(ADMIN) }, all(200, 404)],
    ['every interface, the metrics token sent', { HOST: '0.0.0.0', CARDQL_METRICS_TOKEN: METRICS }, { authorization: `Bearer ${METRICS}` }, all(404, 200)],
    ['a token on loopback is required there too', { CARDQL_ADMIN_TOKEN: ADMIN }, {}, all(401, 200)],
  ])('%s', async (_what, env, headers, expected) => {
    const app = await createTestApp({ NODE_ENV: '', ...env });
    try {
      expect(await statuses(app, headers)).toEqual(expected);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['a request through a reverse proxy (X-Forwarded-For)', { 'x-forwarded-for': '203.0.113.9' }],
    ['a request through a reverse proxy (Forwarded)', { forwarded: 'for=203.0.113.9' }],
    ['a page whose DNS name was rebound to 127.0.0.1 (Host is not loopback)', { host: 'evil.example:4000' }],
  ])('open on loopback refuses %s with 403', async (_what, headers) => {
    const app = await createTestApp();
    try {
      expect(await statuses(app, headers)).toEqual(all(403));
      const body = (await (await app.fetch(surfaces(headers)[0]![1])).json()) as { error: { code: string } };
      expect(body.error.code).toBe('LOOPBACK_ONLY');
    } finally {
      await app.close();
    }
  });
});

describe('cross-origin requests to the admin surfaces', () => {
  const evil = { origin: 'https://evil.example' };

  it.each<[string, Record<string, string>]>([
    ['production with CARDQL_ADMIN_TOKEN and the admin logged in (the reported case)', { NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's', CARDQL_ADMIN_TOKEN: ADMIN }],
    ['open on loopback', {}],
  ])('are refused with 403 and no CORS header: %s', async (_what, env) => {
    const app = await createTestApp(env);
    try {
      for (const [name, request] of surfaces({ ...evil, authorization: basic(ADMIN), host: '127.0.0.1:4000' })) {
        const response = await app.fetch(request);
        expect([name, response.status]).toEqual([name, 403]);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
        expect([...response.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
      }
      // A GET without Origin that a browser marks as cross-site (e.g. <script src>) is refused too.
      const noCors = new Request(`http://127.0.0.1:4000/graphql?query=${encodeURIComponent(QUERY)}`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', authorization: basic(ADMIN) } });
      expect((await app.fetch(noCors)).status).toBe(403);
      // An `Origin: null` (sandboxed frame) is another origin.
      expect((await app.fetch(surfaces({ origin: 'null', authorization: basic(ADMIN) })[0]![1])).status).toBe(403);
    } finally {
      await app.close();
    }
  });

  it("are answered for the server's own page, without CORS headers", async () => {
    const app = await createTestApp();
    try {
      const response = await app.fetch(surfaces({ origin: 'http://127.0.0.1:4000', host: '127.0.0.1:4000' })[0]![1]);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { customer: { fullName: 'Alex Johnson' } } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      // A link followed from another site opens the page (a navigation: the other site cannot read it).
      const navigation = new Request('http://127.0.0.1:4000/graphql', { headers: { accept: 'text/html', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });
      expect((await app.fetch(navigation)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('are answered, with CORS for that origin only, when CARDQL_ADMIN_ORIGINS lists it', async () => {
    const allowed = 'https://admin.example.com';
    const app = await createTestApp({ HOST: '0.0.0.0', CARDQL_ADMIN_TOKEN: ADMIN, CARDQL_ADMIN_ORIGINS: `${allowed}, https://other.example.com` });
    try {
      const preflight = await app.fetch(
        new Request('http://cardql.example.com/graphql', { method: 'OPTIONS', headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } }),
      );
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
      const response = await app.fetch(surfaces({ origin: allowed, authorization: `Bearer ${ADMIN}` })[0]![1]);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
      expect((await app.fetch(surfaces({ ...evil, authorization: `Bearer ${ADMIN}` })[0]![1])).status).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('over real HTTP (the reported curl)', () => {
  let running: RunningServer;
  const lines: string[] = [];
  beforeAll(async () => {
    running = await startServer(
      { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', CARDQL_SIGNING_SECRET: 's', CARDQL_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'info' },
      { local: createDemoData(db), logDestination: { write: (line: string) => void lines.push(line) } },
    );
  });
  afterAll(() => running.close());

  it('answers a credentialed cross-origin GraphQL GET with 403 and no CORS headers', async () => {
    const response = await fetch(`${running.url}/graphql?query=%7B__typename%7D`, { headers: { authorization: basic(ADMIN), origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const same = await fetch(`${running.url}/graphql?query=%7B__typename%7D`, { headers: { authorization: basic(ADMIN), origin: running.url } });
    expect([same.status, await same.json()]).toEqual([200, { data: { __typename: 'Query' } }]);
  });

  it('meets every spelling of a gated path with the same gate: dot segments resolve to it, other spellings are 404', async () => {
    // node:http sends the path as written (fetch would resolve the dot segments before sending).
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => get({ host: '127.0.0.1', port: new URL(running.url).port, path }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject));
    const gated = ['/graphql?query=%7B__typename%7D', '/cards/../graphql?query=%7B__typename%7D', '/%2e%2e/graphql?query=%7B__typename%7D', '/x/%2E./graphql?query=%7B__typename%7D', '/x/../preview'];
    const other = ['//graphql?query=%7B__typename%7D', '/graphql/?query=%7B__typename%7D', '/GRAPHQL?query=%7B__typename%7D', '/%67raphql?query=%7B__typename%7D'];
    expect(await Promise.all(gated.map(status))).toEqual(gated.map(() => 401));
    expect(await Promise.all(other.map(status))).toEqual(other.map(() => 404));
  });

  it('says at startup, in one line, what is exposed to whom', () => {
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'cardql listening');
    expect(line?.exposed).toEqual({
      '/cards': 'signature required (1 secret accepted)',
      'graphiql, /graphql/<source>, /preview': 'anyone with CARDQL_ADMIN_TOKEN; same-origin only',
      '/metrics': 'open to this machine only (loopback, no token)',
      '/healthz, /readyz': 'open',
    });
    expect(lines.join('')).not.toContain(ADMIN);
  });
});
