// GraphiQL at /graphql: open in development, gated by the admin token in production, errors in JSON.
import { describe, expect, it } from 'vitest';
import { createTestApp } from './support/app.ts';

const page = (headers: Record<string, string> = {}) => new Request('http://cardql.test/graphql', { headers: { accept: 'text/html', ...headers } });
const query = (headers: Record<string, string> = {}) =>
  new Request('http://cardql.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ customer(email: "alex@grocery.co") { fullName company { name } } }' }),
  });

describe('GraphiQL at /graphql', () => {
  it('is open in development and runs queries against the in-process data', async () => {
    const app = await createTestApp();
    const html = await app.fetch(page());
    expect(html.status).toBe(200);
    expect(await html.text()).toMatch(/GraphiQL/i);
    const result = await app.fetch(query());
    expect(await result.json()).toEqual({ data: { customer: { fullName: 'Alex Johnson', company: { name: 'Grocery Co' } } } });
    await app.close();
  });

  it('is off in production when CARDQL_ADMIN_TOKEN is not set', async () => {
    const app = await createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's' });
    expect((await app.fetch(page())).status).toBe(404);
    expect((await app.fetch(query())).status).toBe(404);
    await app.close();
  });

  it('requires the admin token in production, as a bearer token or a browser login', async () => {
    const app = await createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 's', CARDQL_ADMIN_TOKEN: 'admin-token' });
    const anonymous = await app.fetch(query());
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await app.fetch(query({ authorization: 'Bearer wrong' }))).status).toBe(401);
    expect((await app.fetch(query({ authorization: 'Bearer admin-token' }))).status).toBe(200);
    const basic = `Basic ${Buffer.from('me:admin-token').toString('base64')}`;
    expect((await app.fetch(page({ authorization: basic }))).status).toBe(200);
    await app.close();
  });

  it("answers a request it cannot serve (an Accept it cannot meet) with cardql's JSON error, not graphql-yoga's empty 406", async () => {
    const app = await createTestApp();
    const response = await app.fetch(query({ accept: 'text/csv' }));
    expect(response.status).toBe(406);
    expect(await response.json()).toEqual({ error: { code: 'NOT_ACCEPTABLE', message: 'Expected Accept to allow application/json or application/graphql-response+json' } });
    await app.close();
  });
});
