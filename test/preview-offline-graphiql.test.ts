// GraphiQL's files are served by cardql itself: no CDN, so it works with no internet access.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seededDatabase, type TestApp } from './support/app.ts';

const page = (headers: Record<string, string> = {}) => new Request('http://cardql.test/graphql', { headers: { accept: 'text/html', ...headers } });
const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://cardql.test${path}`, { headers });

/** The same-origin files the GraphiQL page references, as `path?v=version`. */
async function referencedFiles(app: TestApp): Promise<string[]> {
  const html = await (await app.fetch(page())).text();
  return [...html.matchAll(/"(\/graphiql\/[^"]+)"/g)].map((m) => m[1]!);
}

describe('GraphiQL with no internet access', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('references no file outside cardql', async () => {
    const html = await (await app.fetch(page())).text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(await referencedFiles(app)).toEqual(
      expect.arrayContaining(['favicon.ico', 'graphiql.css', 'yoga-graphiql.js', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js'].map((name) => expect.stringMatching(new RegExp(`^/graphiql/${name.replace('.', '\\.')}\\?v=[0-9a-f]{12}$`)))),
    );
  });

  it('serves every file it references, each with its type and cached for good under its version', async () => {
    const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', ico: 'image/x-icon' };
    for (const url of await referencedFiles(app)) {
      const response = await app.fetch(get(url));
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toBe(types[/\.(\w+)\?/.exec(url)![1]!]);
      expect(response.headers.get('cache-control'), url).toBe('max-age=31536000, immutable');
      expect((await response.arrayBuffer()).byteLength, url).toBeGreaterThan(1000);
    }
  });

  it('gzips scripts for a browser that accepts gzip, byte for byte the same file', async () => {
    const plain = Buffer.from(await (await app.fetch(get('/graphiql/yoga-graphiql.js'))).arrayBuffer());
    const zipped = await app.fetch(get('/graphiql/yoga-graphiql.js', { 'accept-encoding': 'gzip, deflate, br' }));
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(bytes.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(bytes).equals(plain)).toBe(true);
  });

  it('revalidates a file asked for without the current version', async () => {
    const response = await app.fetch(get('/graphiql/graphiql.css?v=old'));
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const again = await app.fetch(get('/graphiql/graphiql.css', { 'if-none-match': response.headers.get('etag')! }));
    expect(again.status).toBe(304);
  });

  it('answers 405 to anything but GET', async () => {
    const response = await app.fetch(new Request('http://cardql.test/graphiql/graphiql.css', { method: 'POST' }));
    expect(response.status).toBe(405);
  });
});

describe('GraphiQL’s files in production', () => {
  const db = seededDatabase();
  afterAll(() => db.close());

  it('are off without CARDQL_ADMIN_TOKEN, like GraphiQL', async () => {
    const app = await createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's' }, { db });
    expect((await app.fetch(get('/graphiql/yoga-graphiql.js'))).status).toBe(404);
    await app.close();
  });

  it('need the admin token, like GraphiQL', async () => {
    const app = await createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's', CARDQL_ADMIN_TOKEN: 'admin-token' }, { db });
    expect((await app.fetch(get('/graphiql/graphiql.css'))).status).toBe(401);
    expect((await app.fetch(get('/graphiql/graphiql.css', { authorization: 'Bearer admin-token' }))).status).toBe(200);
    await app.close();
  });
});
